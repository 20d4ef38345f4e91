// Medians over the interleaved runs, as one markdown table per dataset. A run counts only when it
// exited successfully and its result verified; anything else is listed under the table with why.
import type { Dataset } from './generate.js';

export interface RunResult {
  approach: string;
  round: number;
  ok: boolean;
  wallMs: number;
  peakRssKb: number | null;
  exitCode: number | null;
  /** Why the run does not count: exit status, timeout, verification problems. */
  failure?: string;
  /** The approach's own summary on stdout (vecfill --json), when it printed JSON. */
  output?: unknown;
}

export interface DatasetResult {
  dataset: Omit<Dataset, 'samples'>;
  /** Approaches that could not run on this dataset (their untimed preparation failed), with why. */
  skipped: Record<string, string>;
  runs: RunResult[];
}

interface Row {
  approach: string;
  client: 'node' | 'psql';
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const seconds = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');
/** A peak RSS in kB as MB, '?' when it was not measured. */
export const megabytes = (kb: number | null): string => (kb === null ? '?' : `${(kb / 1024).toFixed(0)} MB`);

export function title(d: DatasetResult['dataset'], runs: number): string {
  return (
    `### ${d.format}, ${d.dims} dims, ${thousands(d.rows)} rows ` +
    `(${(d.bytes / 1e6).toFixed(0)} MB; ${thousands(d.okLines)} ok + ${thousands(d.errorLines)} error lines; ${runs} rounds)`
  );
}

export function markdownTable(result: DatasetResult, rows: Row[]): string {
  const { dataset } = result;
  const floorRuns = result.runs.filter((r) => r.approach === 'floor' && r.ok);
  const floor = floorRuns.length ? median(floorRuns.map((r) => r.wallMs)) : undefined;
  const lines = [
    '| approach | wall median (min–max) | × floor | rows/s | MB/s | peak RSS |',
    '|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const { approach, client } of rows) {
    const skipped = result.skipped[approach];
    if (skipped) {
      lines.push(`| ${approach} | n/a | | | | |`);
      notes.push(`- ${approach}: n/a: ${skipped}`);
      continue;
    }
    const runs = result.runs.filter((r) => r.approach === approach);
    const good = runs.filter((r) => r.ok);
    for (const bad of runs.filter((r) => !r.ok)) notes.push(`- ${approach}, round ${bad.round}: ${bad.failure}`);
    if (good.length === 0) {
      lines.push(`| ${approach} | failed (${runs.length}/${runs.length}) | | | | |`);
      continue;
    }
    const walls = good.map((r) => r.wallMs);
    const wall = median(walls);
    const rss = Math.max(...good.map((r) => r.peakRssKb ?? 0)) / 1024;
    const failed = runs.length - good.length;
    lines.push(
      `| ${approach} | ${seconds(wall)} s (${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))})` +
        `${failed ? ` ⚠ ${failed} failed` : ''} | ${floor ? (wall / floor).toFixed(2) : '—'} | ` +
        `${thousands(dataset.okLines / (wall / 1000))} | ${(dataset.bytes / 1e6 / (wall / 1000)).toFixed(1)} | ` +
        `${client === 'psql' ? `(psql ${rss.toFixed(0)} MB)` : `${rss.toFixed(0)} MB`} |`,
    );
  }
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
