import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; license: string; engines: { node: string } };

// A consumer project with tldr installed the way npm installs it for a user: the package's
// published files, and its production dependencies only (no devDependencies: no @types a user
// would not get).
async function consumer(dir: string): Promise<void> {
  const installed = join(dir, 'node_modules', pkg.name);
  mkdirSync(installed, { recursive: true });
  for (const entry of ['package.json', 'dist', 'bin', 'LICENSE'])
    cpSync(join(repoRoot, entry), join(installed, entry), { recursive: true, filter: (src) => !src.includes('/dist/bundle/') });
  const { stdout } = await execa('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, reject: false });
  const top = join(repoRoot, 'node_modules');
  for (const path of stdout.split('\n')) {
    const rel = relative(top, path);
    if (!path.startsWith(top) || rel.includes(`node_modules`) || rel.split('/').length > (rel.startsWith('@') ? 2 : 1)) continue;
    const link = join(dir, 'node_modules', rel);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(path, link);
  }
  // The consumer's own toolchain: TypeScript and Node's types, as any TypeScript project on Node has.
  for (const own of ['typescript', '@types/node']) if (!existsSync(join(dir, 'node_modules', own))) symlinkSync(join(top, own), join(dir, 'node_modules', own));
}

describe('the published package', () => {
  it('type-checks in a consumer with skipLibCheck: false (no missing @types for dockerode or pg)', async () => {
    using dir = tempDir();
    await consumer(dir.path);
    dir.write('package.json', JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    dir.write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2023', 'ESNext.Disposable'],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    dir.write(
      'consumer.ts',
      [
        `import { DockerProvider, Output, openProject, checkMigrations, containerDefinition, type Config, type ServiceSpec } from '${pkg.name}';`,
        'const output: Output = new Output({ mode: "json" });',
        'const config: Config | undefined = undefined;',
        'export { output, config, DockerProvider, openProject, checkMigrations, containerDefinition };',
        'export type { ServiceSpec };',
        '',
      ].join('\n'),
    );
    const tsc = await execa(process.execPath, [join(dir.path, 'node_modules/typescript/bin/tsc'), '-p', dir.path], { reject: false });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.exitCode).toBe(0);
  });

  it('ships a LICENSE matching package.json, and engines states the Node it needs', () => {
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toContain('Permission is hereby granted, free of charge');
    expect(pkg.engines.node).toBe('>=20.5.0');
  });
});
