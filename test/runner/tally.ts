// What the runner prints: a line per top-level test as its shard reports it (the file named, since
// shards interleave), every failure again in full at the end, the counts as node:test counts them
// (every test at any depth; a describe block is not one), and each file's measured seconds for
// test/timings.json.
import { relative } from 'node:path';
import type { TestResult } from './reporter.js';

const MARK = { pass: '✔', fail: '✖', skip: '﹣', todo: '…' } as const;

export class Tally {
  private readonly results: TestResult[] = [];
  private readonly problems: string[] = [];

  constructor(private readonly print: (line: string) => void) {}

  add(result: TestResult, root: string): void {
    result.file = relative(root, result.file.replace(/^file:\/\//, ''));
    this.results.push(result);
    if (result.nesting === 0 || result.outcome === 'fail') {
      const indent = '  '.repeat(result.nesting);
      const note = result.outcome === 'skip' || result.outcome === 'todo' ? ` # ${result.detail ?? result.outcome}` : '';
      this.print(`${indent}${MARK[result.outcome]} ${result.file} › ${result.name} (${Math.round(result.ms)} ms)${note}`);
    }
  }

  typecheck(ok: boolean, output: string, seconds: number): void {
    this.print(`${ok ? MARK.pass : MARK.fail} the type check, tsc (${seconds.toFixed(1)} s)`);
    if (!ok) this.problems.push(`the type check (tsc) failed:\n${output.trim()}`);
  }

  shardFailed(n: number, code: number | null, signal: string | null, files: string[]): void {
    const last = [...this.results].reverse().find((r) => files.includes(r.file));
    this.problems.push(`shard ${n} ended with ${signal ? `signal ${signal}` : `exit code ${code}`} and no failing test to show for it` +
      `${last ? `; its last test was ${last.file} › ${last.name}` : ''}; its files: ${files.join(' ')}`);
  }

  /** A file that reported no test did not run (every test file has one): never a silent pass. */
  unreported(files: string[]): void {
    const seen = new Set(this.results.map((r) => r.file));
    const missing = files.filter((f) => !seen.has(f));
    if (missing.length) this.problems.push(`no test of ${missing.length} file(s) reported, so they did not run: ${missing.join(' ')}`);
  }

  failedIn(files: string[]): boolean {
    return this.results.some((r) => r.outcome === 'fail' && files.includes(r.file));
  }

  get failed(): boolean {
    return this.problems.length > 0 || this.results.some((r) => r.outcome === 'fail');
  }

  /** Each file's top-level tests' durations (which include their subtests) and CPU, summed. */
  private byFile(): Map<string, { ms: number; cpuMs: number }> {
    const files = new Map<string, { ms: number; cpuMs: number }>();
    for (const r of this.results) {
      if (r.nesting !== 0) continue;
      const f = files.get(r.file) ?? { ms: 0, cpuMs: 0 };
      f.ms += r.ms;
      f.cpuMs += r.cpuMs ?? 0;
      files.set(r.file, f);
    }
    return files;
  }

  /** Each file's seconds, by name, for test/timings.json. */
  fileSeconds(): Record<string, number> {
    return Object.fromEntries([...this.byFile()]
      .map(([file, f]) => [file.split('/').pop()!, Math.round(f.ms / 100) / 10] as const)
      .sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The files that took longest, with their CPU (the shard's process alone): where to look first. */
  slowest(count: number): void {
    this.print('\nslowest files (wall s, CPU s of the shard process):');
    for (const [file, f] of [...this.byFile()].sort((a, b) => b[1].ms - a[1].ms).slice(0, count)) {
      this.print(`${(f.ms / 1000).toFixed(1).padStart(7)} ${(f.cpuMs / 1000).toFixed(1).padStart(6)}  ${file}`);
    }
  }

  summary(seconds: number): void {
    const failures = this.results.filter((r) => r.outcome === 'fail');
    if (failures.length || this.problems.length) {
      this.print('\nfailing:');
      for (const f of failures) this.print(`\n✖ ${f.file} › ${f.name}\n${(f.detail ?? '').replace(/^/gm, '    ')}`);
      for (const p of this.problems) this.print(`\n✖ ${p}`);
    }
    const count = (o: TestResult['outcome']) => this.results.filter((r) => r.outcome === o).length;
    this.print(`\ntests ${this.results.length} · pass ${count('pass')} · fail ${count('fail')} · skipped ${count('skip')} · todo ${count('todo')} · ${seconds.toFixed(1)} s`);
  }
}
