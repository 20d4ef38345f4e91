// Test helpers for files: a temp directory per test (removed after it), input files, rejects records.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RejectRecord } from '../../src/ingest/rejects.js';

/** A record of the rejects file, as the library declares it. */
export type RejectLine = RejectRecord;

/** A fresh directory under the OS temp dir; register `cleanup` with t.after. */
export async function tempDir(): Promise<{ dir: string; path(name: string): string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vecfill-test-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeLines(path: string, lines: string[], ending = '\n'): Promise<string> {
  await writeFile(path, lines.map((l) => l + ending).join(''));
  return path;
}

/** The records of a --rejects file, in file order. */
export async function readRejects(path: string): Promise<RejectLine[]> {
  const text = await readFile(path, 'utf8');
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as RejectLine);
}

/** n float32-exact pseudo-random values (seeded), as the API's small embedding components. */
export function vectorOf(n: number, rnd: () => number): number[] {
  return Array.from({ length: n }, () => Math.fround((rnd() - 0.5) * 0.2));
}
