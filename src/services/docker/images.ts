import type Dockerode from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { notFound } from './connection.js';
import type { ServiceName, UpProgress } from '../provider.js';
import { postgresDataDirFromImage, type ImageFacts } from './image-ref.js';
import { pullSnapshot, reducePull, type LayerProgress, type PullEvent } from './pull-progress.js';

/** Env and declared volumes of a local image; `undefined` when it is not there. */
export async function imageFacts(docker: Dockerode, image: string): Promise<ImageFacts | undefined> {
  try {
    const info = await docker.getImage(image).inspect();
    return { env: info.Config?.Env ?? [], volumes: Object.keys(info.Config?.Volumes ?? {}) };
  } catch (error) {
    return notFound(error);
  }
}

/** The image's facts, pulling it first (with progress) when it is not present. */
export async function ensureImage(docker: Dockerode, image: string, service: ServiceName, progress?: UpProgress, signal?: AbortSignal): Promise<ImageFacts> {
  const present = await imageFacts(docker, image);
  if (present) return present;
  await pullImage(docker, image, service, progress, signal);
  const pulled = await imageFacts(docker, image);
  if (!pulled) throw new EnvironmentError(`image ${image} is still missing after the pull`, { code: 'image-pull-failed' });
  return pulled;
}

export async function postgresDataDirOf(docker: Dockerode, image: string, progress?: UpProgress, signal?: AbortSignal): Promise<string> {
  return postgresDataDirFromImage(await ensureImage(docker, image, 'postgres', progress, signal));
}

/** `docker pull`, reporting layers and bytes as they come. */
export async function pullImage(docker: Dockerode, image: string, service: ServiceName, progress?: UpProgress, signal?: AbortSignal): Promise<void> {
  const fail = (reason: string, cause?: unknown) =>
    new EnvironmentError(`could not pull image ${image}: ${reason}`, {
      code: 'image-pull-failed',
      hint: `check services.${service}.image and that its registry is reachable (\`docker pull ${image}\` shows the same); offline test images come from scripts/build-test-images.sh`,
      cause,
    });
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image, signal ? { abortSignal: signal } : {})) as NodeJS.ReadableStream;
  } catch (error) {
    throw fail((error as { json?: { message?: string } }).json?.message ?? (error as Error).message, error);
  }
  let layers: Record<string, LayerProgress> = {};
  let failure: string | undefined;
  progress?.pull(pullSnapshot(service, image, layers));
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(fail(error.message, error)) : resolve()),
      (event: PullEvent) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        const next = reducePull(layers, event);
        if (next !== layers) progress?.pull(pullSnapshot(service, image, (layers = next)));
      },
    );
  });
  if (failure) throw fail(failure);
  progress?.pull(pullSnapshot(service, image, layers, true));
}
