import { nativeServers } from '../backend/native-servers.js';
import type { NativeRunner } from '../services/native/runner.js';

/**
 * The native provider's process runner. services/ may not spawn processes and backend/ may not
 * import services/, so the two meet here: every pipeline that opens services passes this.
 */
export const nativeRunner: NativeRunner = nativeServers;
