import { notImplemented } from '../../errors.js';
import type { CommandResult } from '../definition.js';

export async function ci(): Promise<CommandResult<Record<string, never>>> {
  throw notImplemented('ci');
}
