// Where the bench keeps things, relative to this folder so no machine path is ever written down.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const benchDir = fileURLToPath(new URL('.', import.meta.url));
export const repoDir = join(benchDir, '..');
/** Git-ignored: generated datasets, pre-encoded COPY files, compiled baselines, results. */
export const outDir = join(benchDir, 'out');
export const dataDir = join(outDir, 'data');
