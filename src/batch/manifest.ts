// manifest: what prepare wrote, next to the request files (PREFIX.manifest.json), so that submit knows
// the target of each file without being told again. Names are the catalog's, never quoted text.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { WrittenFile } from './request-files.js';

export interface Manifest {
  vecfill: 1;
  table: { schema: string; name: string };
  idColumn: string;
  column: string;
  model: string;
  /** The `dimensions` sent, or null for the model's own. */
  dimensions: number | null;
  encoding: 'base64' | 'float';
  createdAt: string;
  files: { file: string; requests: number; bytes: number; tokens: number }[];
}

export function manifestPath(dir: string, prefix: string): string {
  return join(dir, `${prefix}.manifest.json`);
}

export async function writeManifest(dir: string, prefix: string, m: Omit<Manifest, 'vecfill' | 'createdAt' | 'files'>, files: WrittenFile[]): Promise<string> {
  const path = manifestPath(dir, prefix);
  const manifest: Manifest = {
    vecfill: 1,
    ...m,
    createdAt: new Date().toISOString(),
    files: files.map(({ file, requests, bytes, tokens }) => ({ file, requests, bytes, tokens })),
  };
  await writeFile(path, JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx' });
  return path;
}

/** The manifest entry for a request file named PREFIX-NNNN.jsonl, if its manifest is beside it. */
export async function findInManifest(file: string): Promise<{ manifest: Manifest; entry: Manifest['files'][number] } | undefined> {
  const m = /^(.*)-\d+\.jsonl$/.exec(basename(file));
  if (!m) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath(dirname(file), m[1]), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  const entry = manifest.vecfill === 1 ? manifest.files?.find((f) => f.file === basename(file)) : undefined;
  return entry ? { manifest, entry } : undefined;
}
