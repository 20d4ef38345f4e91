// The bench: for each dataset (format × dims × rows), every approach once per round, rounds
// interleaved so drift (page cache, checkpoints, a busy neighbour) spreads over all approaches alike;
// the table is rebuilt before every run and checked after it. Tables on stdout, progress on stderr,
// every raw run in the JSON file.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { approaches, type Context } from './approaches/index.js';
import { ensureDataset } from './generate.js';
import { describeMachine, machineLine } from './machine.js';
import { measure } from './measure.js';
import { parseOptions, USAGE, UsageError, type Options } from './options.js';
import { outDir, repoDir } from './paths.js';
import { markdownTable, megabytes, title, type DatasetResult, type RunResult } from './report.js';
import { resetTable } from './table.js';
import { verify } from './verify.js';

const log = (message: string): void => void process.stderr.write(`${message}\n`);

if (process.argv.includes('--parse-only')) {
  // The parsers alone, no database (parse-only.ts): why the hot path reads bytes itself.
  const { parseOnly } = await import('./parse-only.js');
  process.exit(await parseOnly(process.argv.slice(2).filter((a) => a !== '--parse-only')));
}
if (process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
  const unknown = options.only?.filter((name) => !approaches.some((a) => a.name === name)) ?? [];
  if (unknown.length) throw new UsageError(`--only: unknown approach ${unknown.join(', ')}`);
} catch (error) {
  log(`${error instanceof Error ? error.message : String(error)} (--help lists the options)`);
  process.exit(2);
}
const selected = approaches.filter((a) => !options.only || options.only.includes(a.name));
const outFile = resolve(options.out ?? join(outDir, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));

const client = new pg.Client({ connectionString: options.db });
await client.connect();
await client.query('CREATE EXTENSION IF NOT EXISTS vector');
const machine = await describeMachine(client);
log(`machine: ${machineLine(machine)}`);

const results: DatasetResult[] = [];
const tables: string[] = [];
for (const format of options.formats) {
  for (const dims of options.dims) {
    for (const rows of options.rows) {
      log(`\ndataset: ${format}, ${dims} dims, ${rows} rows (generated once, then cached)`);
      const dataset = await ensureDataset({ rows, dims, format, errorShare: options.errorShare, seed: options.seed });
      const context: Context = { db: options.db, table: options.table, dataset, stdin: options.stdin };
      const { samples: _samples, ...described } = dataset;
      const result: DatasetResult = { dataset: described, skipped: {}, runs: [] };
      results.push(result);

      for (const approach of selected) {
        try {
          await approach.prepare?.(context);
        } catch (error) {
          result.skipped[approach.name] = `prepare failed: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      const runnable = selected.filter((a) => !result.skipped[a.name]);

      for (let round = 1; round <= options.runs; round++) {
        for (const approach of runnable) {
          await resetTable(client, options.table, rows, dims, options.hnsw);
          const run = await runOnce(approach, context, round);
          result.runs.push(run);
          const rss = megabytes(run.peakRssKb);
          log(`  round ${round} ${approach.name.padEnd(8)} ${(run.wallMs / 1000).toFixed(2).padStart(7)} s  ${rss.padStart(7)}  ${run.ok ? 'ok' : `FAILED: ${run.failure}`}`);
        }
      }

      const table = `${title(dataset, options.runs)}\n\n${markdownTable(result, selected.map((a) => ({ approach: a.name, client: a.client })))}`;
      tables.push(table);
      console.log(`\n${table}`);
      await save(); // after every dataset, so a long bench that dies keeps what it measured
    }
  }
}
await client.end();
log(`\nmachine: ${machineLine(machine)}\nresults: ${outFile}`);

async function runOnce(approach: (typeof approaches)[number], context: Context, round: number): Promise<RunResult> {
  const base = { approach: approach.name, round };
  let m;
  try {
    m = await measure(approach.command(context), {
      cwd: repoDir,
      scratchDir: join(outDir, 'tmp'),
      timeoutMs: options.timeoutSeconds * 1000,
    });
  } catch (error) {
    const failure = `could not start: ${error instanceof Error ? error.message : String(error)}`;
    return { ...base, ok: false, wallMs: 0, peakRssKb: null, exitCode: null, failure };
  }
  const measured = { ...base, wallMs: m.wallMs, peakRssKb: m.peakRssKb, exitCode: m.exitCode, output: jsonOrUndefined(m.stdout) };
  let failure: string | undefined;
  if (m.timedOut) failure = `timed out after ${options.timeoutSeconds} s`;
  else if (m.exitCode === null || !approach.okExitCodes.includes(m.exitCode)) {
    const said = gist(m.stderr);
    failure = `exit ${m.exitCode ?? m.signal}${said ? `: ${said}` : ''}`;
  } else {
    const problems = await verify(client, options.table, context.dataset);
    if (problems.length) failure = `wrong result: ${problems.join('; ')}`;
  }
  return { ...measured, ok: failure === undefined, ...(failure ? { failure } : {}) };
}

/** The line of stderr that says what went wrong (Node's stack traces end in noise), else its tail. */
function gist(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const said = lines.find((l) => /error/i.test(l)) ?? lines.slice(-3).join(' / ');
  return said.slice(0, 300);
}

function jsonOrUndefined(text: string): unknown {
  try {
    return text.trim().startsWith('{') ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

async function save(): Promise<void> {
  const { db: _db, ...shown } = options; // a URL may carry a password
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, JSON.stringify({ date: new Date().toISOString(), machine, options: shown, results, tables }, null, 2));
}
