// Which test files run in which shard. Two phases: the pure layer (no database, no CLI: parsers, codecs,
// plans, the emulator) first, as it answers in seconds; then the rest. In each phase the files are
// dealt to the shards longest first, each to the shard with the least work so far (by the times
// measured in test/timings.json), so the shards end together.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Helpers that open a database or run the CLI: a file that reaches one is not pure. */
const IMPURE_HELPERS = ['db.ts', 'batch.ts', 'pglite.ts', 'pglite-template.ts', 'cli.ts', 'cli-with.ts', 'cli-in-process.ts', 'run.ts', 'main-in-process.ts'];

/** What a file may import or call and stay pure: no database driver, no process of its own. */
const IMPURE_CODE = /from\s+['"](?:pg|@electric-sql\/pglite[^'"]*|node:child_process|[^'"]*src\/(?:db\/open|index)\.js)['"]|\b(?:openDb|useDb)\(/;

/** Whether the file, through its imports inside test/, reaches a helper that opens a database or
 *  runs the CLI, or does so itself. Read from the source: the runner must not load the files to plan
 *  them (a wrong guess only changes the order, never the outcome). */
export function isPure(file: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): boolean {
  const testDir = join(resolve(dirname(file)), '');
  const seen = new Set<string>();
  const visit = (path: string): boolean => {
    if (seen.has(path)) return true;
    seen.add(path);
    if (IMPURE_HELPERS.includes(basename(path)) && basename(dirname(path)) === 'helpers') return false;
    const text = read(path);
    if (IMPURE_CODE.test(text)) return false;
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const target = resolve(dirname(path), m[1]).replace(/\.js$/, '.ts');
      if (target.startsWith(testDir) && !visit(target)) return false;
    }
    return true;
  };
  return visit(resolve(file));
}

export interface Shard {
  files: string[];
  /** The measured seconds of its files (estimated for a file not measured yet). */
  seconds: number;
}

/** Deals files to n shards, longest first to the least loaded; files with no timing count as the
 *  median of those that have one. Shards that get nothing are left out. */
export function balance(files: string[], n: number, timings: Record<string, number>): Shard[] {
  const known = Object.values(timings).sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)] : 1;
  const cost = (f: string) => timings[basename(f)] ?? median;
  const shards: Shard[] = Array.from({ length: Math.max(1, n) }, () => ({ files: [], seconds: 0 }));
  for (const file of [...files].sort((a, b) => cost(b) - cost(a) || a.localeCompare(b))) {
    const least = shards.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    least.files.push(file);
    least.seconds += cost(file);
  }
  return shards.filter((s) => s.files.length > 0);
}
