import { native } from './native.js';

/** Version of the libtorch the addon is linked against (e.g. "1.13.1"). */
export function version(): string {
  return native.version();
}
