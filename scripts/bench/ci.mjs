// CI figures (issue 11): `tldr ci` on the example backend against the same job written by hand as
// a shell script — `docker run` both services on free ports, a wait loop, `manage.py migrate`,
// `manage.py test`, `docker rm`. Both start from nothing (images present) and leave nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { backend, benchConfig, python, run, tldrIn } from '../bench-lib.mjs';

// The job by hand. Labels only so the clean-up below can find a run that failed half-way.
const script = `set -eu
name="$1"; py="$2"; label="$3"
trap 'docker rm -f -v "$name-pg" "$name-redis" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$name-pg" --label "dev.tldr.bench=$label" -p 127.0.0.1::5432 \\
  -e POSTGRES_DB=tldr -e POSTGRES_USER=tldr -e POSTGRES_PASSWORD=tldr tldr-test/postgres:15 >/dev/null
docker run -d --name "$name-redis" --label "dev.tldr.bench=$label" -p 127.0.0.1::6379 tldr-test/redis:7 >/dev/null
pg_port=$(docker port "$name-pg" 5432/tcp | head -n1 | sed 's/.*://')
redis_port=$(docker port "$name-redis" 6379/tcp | head -n1 | sed 's/.*://')
tries=0
until docker exec -e PGPASSWORD=tldr "$name-pg" psql -h 127.0.0.1 -U tldr -d tldr -tAc 'select 1' >/dev/null 2>&1; do
  tries=$((tries + 1)); [ "$tries" -lt 600 ] || { echo "postgres never answered" >&2; exit 1; }; sleep 0.2
done
until docker exec "$name-redis" redis-cli ping >/dev/null 2>&1; do sleep 0.2; done
export DATABASE_URL="postgres://tldr:tldr@127.0.0.1:$pg_port/tldr" REDIS_URL="redis://127.0.0.1:$redis_port/0" DJANGO_SETTINGS_MODULE=tldr.settings CI=true
"$py" manage.py migrate --noinput >/dev/null
"$py" manage.py test --noinput >/dev/null 2>&1
`;

export default async function (bench) {
  const name = `tldrbench-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-ci-'));
  const scriptFile = join(dir, 'ci-by-hand.sh');
  writeFileSync(scriptFile, script);
  // The same steps as the script, and the default pipeline (which also checks the migrations).
  writeFileSync(join(dir, 'same-steps.yaml'), [...benchConfig(name), 'pipelines:', '  ci: [up, migrate, test, down]', ''].join('\n'));
  writeFileSync(join(dir, 'tldr.config.yaml'), [...benchConfig(name), ''].join('\n'));
  const env = { ...process.env, CI: 'true' };
  const tldr = tldrIn(dir);
  let n = 0;
  const byHand = () => run('bash', [scriptFile, `${name}-${n++}`, python, name], { cwd: backend, env });
  try {
    await bench.compare('`tldr ci` (up → migrate → test → down) vs the same job as a shell script (docker run, wait loop, migrate, test, docker rm)', {
      tldr: () => tldr('--config', 'same-steps.yaml', 'ci'),
      bare: byHand,
      runs: 3,
      warmup: 1,
      goal: '≤ 1.1×',
    });
    await bench.compare('`tldr ci` default pipeline (also migrate-check) vs the same shell script', {
      tldr: () => tldr('ci'),
      bare: byHand,
      runs: 3,
      warmup: 0,
      goal: 'information',
    });
  } finally {
    const docker = new Docker();
    for (const label of [`dev.tldr.bench=${name}`, `dev.tldr.ci=${name}`]) {
      for (const c of await docker.listContainers({ all: true, filters: { label: [label] } }).catch(() => []))
        await docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      const { Volumes } = await docker.listVolumes({ filters: { label: [label] } }).catch(() => ({ Volumes: [] }));
      for (const v of Volumes ?? [])
        await docker
          .getVolume(v.Name)
          .remove({ force: true })
          .catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
