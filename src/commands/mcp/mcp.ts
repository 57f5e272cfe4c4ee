import { notImplemented } from '../../errors.js';
import type { CommandResult } from '../definition.js';

export async function mcp(): Promise<CommandResult<Record<string, never>>> {
  throw notImplemented('mcp');
}
