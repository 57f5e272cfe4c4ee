import { openProject } from '../../config/project.js';
import { supervise as superviseLoop, type SuperviseOptions } from '../../supervisor/detached.js';
import { statesLine } from '../../supervisor/states.js';
import type { CommandResult } from '../definition.js';
import { down } from '../services/down.js';
import { commandContext } from '../context.js';
import { startDevWarm, stopDevWarm } from './warm.js';
import type { SuperviseData } from './schemas.js';

/** The hidden `tldr supervise`: the background supervisor (plan on stdin), stopping the services after it for `--down`. */
export async function supervise(options: Omit<SuperviseOptions, 'stopServices'>): Promise<CommandResult<SuperviseData>> {
  const stopServices = async (configFile: string) => void (await down({ project: openProject({ configPath: configFile }), output: options.output }));
  const onStarted = async (configFile: string) => {
    const project = openProject({ configPath: configFile });
    const context = commandContext({ project, output: options.output });
    await startDevWarm(project, options.output, () => context.env());
  };
  const onStopped = async (stateDir: string) => void (await stopDevWarm(stateDir));
  const processes = await superviseLoop({ ...options, stopServices, onStarted, onStopped });
  return { exitCode: 0, summary: `dev loop stopped: ${statesLine(processes)}`, data: { processes } };
}
