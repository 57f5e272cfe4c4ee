import type { PullSnapshot } from '../provider.js';

/** One line of the Engine's pull progress stream. */
export interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export interface LayerProgress {
  current: number;
  total: number;
  done: boolean;
}

/** Folds one progress event into the per-layer state. Pure (returns a new object). */
export function reducePull(layers: Readonly<Record<string, LayerProgress>>, event: PullEvent): Record<string, LayerProgress> {
  const { id, status = '' } = event;
  // "Pulling from library/redis" (id = the tag), "Digest: …", "Status: …" are not layers.
  if (!id || /^(Pulling from|Digest:|Status:)/.test(status)) return layers;
  const layer = { ...(layers[id] ?? { current: 0, total: 0, done: false }) };
  if (status === 'Downloading') {
    layer.current = event.progressDetail?.current ?? layer.current;
    layer.total = event.progressDetail?.total ?? layer.total;
  } else if (status === 'Download complete' || status === 'Verifying Checksum') {
    layer.current = layer.total;
  } else if (status === 'Pull complete' || status === 'Already exists') {
    layer.current = layer.total;
    layer.done = true;
  }
  return { ...layers, [id]: layer };
}

export function pullSnapshot(service: PullSnapshot['service'], image: string, layers: Readonly<Record<string, LayerProgress>>, done = false): PullSnapshot {
  const all = Object.values(layers);
  return {
    service,
    image,
    layersDone: all.filter((l) => l.done).length,
    layersTotal: all.length,
    bytesDone: all.reduce((n, l) => n + l.current, 0),
    bytesTotal: all.reduce((n, l) => n + l.total, 0),
    done,
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** "pulling redis:7  3/5 layers  12.3 MB / 27.1 MB" */
export function formatPull(s: PullSnapshot): string {
  const bytes = s.bytesTotal ? `  ${formatBytes(s.bytesDone)} / ${formatBytes(s.bytesTotal)}` : '';
  return `${s.done ? 'pulled' : 'pulling'} ${s.image}  ${s.layersDone}/${s.layersTotal} layers${bytes}`;
}
