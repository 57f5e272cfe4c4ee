import type { Output } from '../output/output.js';
import { formatPull } from './docker/pull-progress.js';
import type { PullSnapshot, UpProgress } from './provider.js';

/**
 * `up` progress through the Output: `service` events for each step; image pulls as one
 * redrawn line at a terminal, a line per finished layer without one, and (throttled)
 * `service` events with `--json`.
 */
export function outputProgress(output: Output): UpProgress {
  const lastLayers = new Map<string, number>();
  const live = !output.json && !output.quiet && Boolean(output.stderr.isTTY);
  return {
    step: (name, message) => output.emit({ type: 'service', name, state: 'starting', message }),
    pull: (s: PullSnapshot) => {
      if (live) {
        output.stderr.write(`\r\u001b[K${formatPull(s)}${s.done ? '\n' : ''}`);
        return;
      }
      if (lastLayers.get(s.image) === s.layersDone && !s.done && s.layersTotal > 0) return;
      lastLayers.set(s.image, s.layersDone);
      output.emit({ type: 'service', name: s.service, state: 'starting', message: formatPull(s) });
    },
  };
}
