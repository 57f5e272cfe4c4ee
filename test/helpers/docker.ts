import Docker from 'dockerode';

let cached: Promise<Docker> | undefined;

/**
 * The Docker Engine for integration tests. Without one the test FAILS (never skips): the suite's
 * promise is that it ran against real components. `bash scripts/provision.sh` starts one.
 */
export function requireDocker(): Promise<Docker> {
  cached ??= (async () => {
    const docker = new Docker();
    try {
      await docker.ping();
    } catch (error) {
      throw new Error(`integration tests need a Docker Engine and none answered (${(error as Error).message}); run \`bash scripts/provision.sh\``);
    }
    return docker;
  })();
  return cached;
}

/** Removes every container and volume labelled with this project name (tests' own cleanup, by label). */
export async function removeProjectResources(docker: Docker, project: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${project}`] } });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  const { Volumes } = await docker.listVolumes({ filters: { label: [`dev.tldr.project=${project}`] } });
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
