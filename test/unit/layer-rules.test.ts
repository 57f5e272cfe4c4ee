import { execa } from 'execa';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

// Each layer rule of .dependency-cruiser.cjs, shown to catch a violation planted in a copy of src/.
const planted: Record<string, [file: string, text: string]> = {
  'no-circular': ['src/commands/dev/cycle-a.ts', "import { b } from './cycle-b.js';\nexport const a = () => b;\n"],
  'cli-agent-use-the-public-api': ['src/cli/planted.ts', "export { loadConfig } from '../config/load.js';\n"],
  'index-only-re-exports-downward': ['src/index.ts', "export { main } from './cli/main.js';\n"],
  'commands-import-downward': ['src/commands/planted.ts', "export { Output } from '../index.js';\n"],
  'middle-layers-import-downward': ['src/backend/planted.ts', "export { openServices } from '../services/open.js';\n"],
  'supervisor-entry-uses-the-public-api': ['src/supervisor/main.ts', "import '../commands/registry.js';\n"],
  'low-layers-import-downward': ['src/readiness/planted.ts', "export { openServices } from '../services/open.js';\n"],
  'process-below-readiness': ['src/process/planted.ts', "export { Probe } from '../readiness/probes.js';\n"],
  'lowest-layers-import-nothing-above': ['src/config/planted.ts', "export { sleep } from '../process/sleep.js';\n"],
  'definitions-do-not-load-their-handlers': ['src/commands/planted/definition.ts', "export { dev } from '../dev/dev.js';\n"],
  'only-services-import-dockerode': ['src/backend/planted-docker.ts', "import Docker from 'dockerode';\nexport const d = Docker;\n"],
  'only-process-spawns': ['src/supervisor/planted.ts', "export { spawn } from 'node:child_process';\n"],
  'only-pipeline-output-import-listr2': ['src/commands/planted-listr.ts', "export { Listr } from 'listr2';\n"],
};

describe('the layer rules', () => {
  it('each rule reports a planted violation, and the real tree has none', async () => {
    using dir = tempDir('tldr-layers-');
    for (const entry of ['src', 'tsconfig.json', '.dependency-cruiser.cjs']) cpSync(join(repoRoot, entry), join(dir.path, entry), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir.path, 'node_modules'));
    const cruise = async () => {
      const run = await execa(
        process.execPath,
        [join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
        { cwd: dir.path, reject: false },
      );
      return new Set((JSON.parse(run.stdout) as { summary: { violations: Array<{ rule: { name: string } }> } }).summary.violations.map((v) => v.rule.name));
    };
    expect([...(await cruise())]).toEqual([]);
    writeFileSync(join(dir.path, 'src/commands/dev/cycle-b.ts'), "import { a } from './cycle-a.js';\nexport const b = () => a;\n");
    for (const [file, text] of Object.values(planted)) {
      mkdirSync(dirname(join(dir.path, file)), { recursive: true });
      writeFileSync(join(dir.path, file), text, { flag: 'a' });
    }
    const broken = await cruise();
    for (const rule of Object.keys(planted)) expect(broken.has(rule), rule).toBe(true);
  });
});
