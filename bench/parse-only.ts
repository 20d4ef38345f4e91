// Why the hot path reads bytes itself: every parser of parse/approaches.ts over the same bench file,
// no database, each in its own process, rounds interleaved as in run.ts. The time is the parse alone
// (from the first read to the last number, measured in the child), so start-up is left out. Every
// parser that reads numbers must find the same vectors, values and float32 bits as vecfill's reader.
//   npm run bench -- --parse-only [--format float|base64|both] [--runs N] [--only a,b] [--rows N] [--dims N]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Format } from './batch-line.js';
import { ensureDataset, type Dataset } from './generate.js';
import { measure } from './measure.js';
import { parseApproaches } from './parse/approaches.js';
import { outDir, repoDir } from './paths.js';

interface ChildReport { ms: number; cpuMs: number; lines: number; vectors: number; numbers: number; hash: number }
interface ParseRun { approach: string; round: number; peakRssKb: number | null; report?: ChildReport; failure?: string }

const log = (message: string): void => void process.stderr.write(`${message}\n`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
const seconds = (ms: number): string => (ms / 1000).toFixed(2);

export async function parseOnly(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string', default: 'both' },
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      rows: { type: 'string', default: '20000' },
      dims: { type: 'string', default: '1536' },
    },
  });
  const formats: Format[] = values.format === 'both' ? ['float', 'base64'] : [values.format as Format];
  if (!formats.every((f) => f === 'float' || f === 'base64')) return usage(`--format: float, base64 or both, not ${values.format}`);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !parseApproaches.some((a) => a.name === name)) ?? [];
  if (unknown.length) return usage(`--only: unknown parser ${unknown.join(', ')} (parsers: ${parseApproaches.map((a) => a.name).join(', ')})`);
  const selected = parseApproaches.filter((a) => !only || only.includes(a.name));
  const [runs, rows, dims] = [values.runs, values.rows, values.dims].map(Number);

  const tables: string[] = [];
  for (const format of formats) {
    const dataset = await ensureDataset({ rows, dims, format, errorShare: 0.005, seed: 1 });
    log(`\ndataset: ${format}, ${dims} dims, ${rows} rows (${(dataset.bytes / 1e6).toFixed(0)} MB)`);
    const results: ParseRun[] = [];
    const gaveUp = new Set<string>();
    for (let round = 1; round <= runs; round++) {
      for (const approach of selected.filter((a) => !gaveUp.has(a.name))) {
        const run = await runOnce(approach.name, dataset, round);
        results.push(run);
        if (run.failure) gaveUp.add(approach.name); // not installed, or broken: once is enough to say so
        log(`  round ${round} ${approach.name.padEnd(18)} ${run.report ? `${seconds(run.report.ms).padStart(6)} s` : `FAILED: ${run.failure}`}`);
      }
    }
    tables.push(table(dataset, runs, results));
    console.log(`\n${tables.at(-1)}`);
  }
  await mkdir(outDir, { recursive: true });
  const outFile = join(outDir, `parse-only-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(outFile, JSON.stringify({ date: new Date().toISOString(), node: process.version, tables }, null, 2));
  log(`\nresults: ${outFile}`);
  return 0;
}

async function runOnce(approach: string, dataset: Dataset, round: number): Promise<ParseRun> {
  const m = await measure(
    { argv: ['node', '--import', 'tsx', join('bench', 'parse', 'child.ts'), approach, dataset.file] },
    { cwd: repoDir, scratchDir: join(outDir, 'tmp'), timeoutMs: 900_000 },
  );
  if (m.exitCode !== 0) {
    const said = m.stderr.trim().split('\n').at(-1)?.slice(0, 200);
    return { approach, round, peakRssKb: m.peakRssKb, failure: `exit ${m.exitCode ?? m.signal}: ${said}` };
  }
  return { approach, round, peakRssKb: m.peakRssKb, report: JSON.parse(m.stdout) as ChildReport };
}

function table(dataset: Dataset, runs: number, results: ParseRun[]): string {
  const good = (name: string) => results.filter((r) => r.approach === name && r.report).map((r) => r.report!);
  const reference = good('vecfill')[0];
  const vecfill = good('vecfill').length ? median(good('vecfill').map((r) => r.ms)) : undefined;
  const lines = [
    `### ${dataset.format}, ${dataset.dims} dims, ${dataset.rows.toLocaleString('en-US')} rows (${(dataset.bytes / 1e6).toFixed(0)} MB; ${runs} rounds)`,
    '',
    '| parser | parse median (min–max) | CPU | × vecfill | MB/s | peak RSS | values |',
    '|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const approach of parseApproaches.filter((a) => results.some((r) => r.approach === a.name))) {
    const failed = results.find((r) => r.approach === approach.name && r.failure);
    if (failed) notes.push(`- ${approach.name}: ${failed.failure}`);
    const reports = good(approach.name);
    if (!reports.length) {
      lines.push(`| ${approach.name} | n/a | | | | | |`);
      continue;
    }
    const ms = reports.map((r) => r.ms);
    const wall = median(ms);
    const rss = Math.max(...results.filter((r) => r.approach === approach.name).map((r) => r.peakRssKb ?? 0)) / 1024;
    // A parser's values count only if they are vecfill's, bit for bit (the tally's hash).
    const same = reports.every((r) => reference && r.vectors === reference.vectors && r.numbers === reference.numbers && r.hash === reference.hash);
    const count = reports[0].numbers.toLocaleString('en-US');
    const values = !approach.parses ? 'none read' : !reference ? `${count}, not compared` : same ? `${count}, same bits` : 'DIFFERENT';
    if (approach.parses && reference && !same) notes.push(`- ${approach.name}: its values differ from vecfill's: ${JSON.stringify(reports[0])} vs ${JSON.stringify(reference)}`);
    lines.push(
      `| ${approach.name} | ${seconds(wall)} s (${seconds(Math.min(...ms))}–${seconds(Math.max(...ms))}) | ${seconds(median(reports.map((r) => r.cpuMs)))} s | ` +
        `${vecfill ? (wall / vecfill).toFixed(2) : '—'} | ${(dataset.bytes / 1e6 / (wall / 1000)).toFixed(0)} | ${rss.toFixed(0)} MB | ${values} |`,
    );
  }
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function usage(message: string): number {
  log(`${message}\nusage: npm run bench -- --parse-only [--format float|base64|both] [--runs N] [--only a,b,…] [--rows N] [--dims N]`);
  return 2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await parseOnly(process.argv.slice(2));
