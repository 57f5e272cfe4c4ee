import { openProject } from '../../config/project.js';
import { supervise as superviseLoop, type SuperviseOptions } from '../../supervisor/detached.js';
import type { CommandResult } from '../definition.js';
import { down } from '../services/down.js';

/** The hidden `tldr supervise`: the background supervisor (plan on stdin), stopping the services after it for `--down`. */
export function supervise(options: Omit<SuperviseOptions, 'stopServices'>): Promise<CommandResult<Awaited<ReturnType<typeof superviseLoop>>['data']>> {
  return superviseLoop({ ...options, stopServices: async (configFile) => void (await down({ project: openProject({ configPath: configFile }), output: options.output })) });
}
