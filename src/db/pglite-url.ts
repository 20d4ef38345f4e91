// pglite-url: `pglite:PATH`, the embedded database's connection string: a directory, relative to the
// working directory or absolute. Apart from the adapter, so that reading a URL loads no WebAssembly.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConnectError } from '../errors.js';

const SCHEME = 'pglite:';

export function isPgliteUrl(url: string): boolean {
  return url.startsWith(SCHEME);
}

/** The directory of a `pglite:PATH` URL, absolute (`pglite:./dir`, `pglite:/abs/dir`, `pglite:///abs/dir`). */
export function pgliteDirectory(url: string): string {
  let path = url.slice(SCHEME.length);
  if (path.startsWith('///')) path = path.slice(2);
  if (!path) throw new ConnectError('pglite: needs a directory, e.g. pglite:./.vecfill/pglite');
  return resolve(path);
}

/** Whether the directory holds no database yet (opening it runs initdb: several seconds). */
export function pgliteNeedsInit(dir: string): boolean {
  return !existsSync(resolve(dir, 'PG_VERSION'));
}
