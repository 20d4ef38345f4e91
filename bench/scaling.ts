// The scaling table: vecfill alone (and PostgreSQL's floor where affordable) from 100,000 to
// 1,000,000 rows, so time can be seen to grow linearly and memory to stay flat. Sizes this large
// take minutes to generate and gigabytes of disk, so each size is its own step: its result is saved
// as soon as it is measured and a rerun skips it (--again measures it anew), and its files are
// deleted once measured (--keep-data keeps them). Load from other work is noted with every figure.
import { loadavg } from 'node:os';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { approaches } from './approaches/index.js';
import type { Format } from './batch-line.js';
import { ensureDataset, type Dataset } from './generate.js';
import { floorInputFile } from './floor-input.js';
import { describeMachine, machineLine } from './machine.js';
import { measure } from './measure.js';
import { outDir, repoDir } from './paths.js';
import { megabytes, thousands } from './report.js';
import { peakBy, sampleRss } from './rss-sampler.js';
import { resetTable } from './table.js';
import { verify } from './verify.js';

const USAGE = `usage: npm run bench:scaling -- [options]
  --rows N[,N…]     sizes (default 100000,250000,500000,1000000)
  --format F        float | base64 | both (default both)
  --dims N          vector dimensions (default 1536)
  --floor-max N     also measure PostgreSQL's floor up to N rows (default 250000; 0: never)
  --again           measure sizes that already have a saved result
  --keep-data       keep each size's generated files (default: deleted once measured)
  --db URL          (default $DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --table NAME      (default bench_docs)
  --timeout S       seconds before a run is killed and counted as failed (default 3600)
Results: bench/out/scaling/<format>-<dims>x<rows>.json, one per size; the table on stdout.`;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000,250000,500000,1000000' },
    format: { type: 'string', default: 'both' },
    dims: { type: 'string', default: '1536' },
    'floor-max': { type: 'string', default: '250000' },
    again: { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    db: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    table: { type: 'string', default: 'bench_docs' },
    timeout: { type: 'string', default: '3600' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const formats: Format[] = values.format === 'both' ? ['float', 'base64'] : [values.format === 'base64' ? 'base64' : 'float'];
const sizes = values.rows.split(',').map(Number).sort((a, b) => a - b);
const dims = Number(values.dims);
const floorMax = Number(values['floor-max']);
const resultsDir = join(outDir, 'scaling');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** One timed run, with the 1-minute load average before and after it (the machine is shared). */
interface Run {
  ok: boolean;
  failure?: string;
  wallMs: number;
  peakRssKb: number | null;
  /** The highest RSS sampled in the first half of the run. */
  halfRssKb?: number;
  load: [number, number];
  /** vecfill's own --json summary: its phases. */
  phases?: { stage: number; apply: number; commit: number };
}

interface SizeResult {
  date: string;
  machine: string;
  dataset: Omit<Dataset, 'samples'>;
  vecfill: Run;
  floor?: Run;
}

const client = new pg.Client({ connectionString: values.db });
await client.connect();
const machine = machineLine(await describeMachine(client));
log(`machine: ${machine}`);
await mkdir(resultsDir, { recursive: true });

const results: SizeResult[] = [];
for (const format of formats) {
  for (const rows of sizes) {
    const file = join(resultsDir, `${format}-${dims}x${rows}.json`);
    const saved = values.again ? undefined : await readFile(file, 'utf8').then((t) => JSON.parse(t) as SizeResult, () => undefined);
    if (saved) {
      log(`${format} ${rows}: measured ${saved.date}, skipped (--again measures it anew)`);
      results.push(saved);
      continue;
    }
    log(`${format} ${rows}: generating (or reusing) the file`);
    const dataset = await ensureDataset({ rows, dims, format, errorShare: 0.005, seed: 1 });
    const { samples: _samples, ...described } = dataset;
    const result: SizeResult = { date: new Date().toISOString(), machine, dataset: described, vecfill: await runVecfill(dataset) };
    log(`  vecfill ${seconds(result.vecfill.wallMs)} s, ${megabytes(result.vecfill.peakRssKb)}, load ${loadText(result.vecfill.load)}${result.vecfill.ok ? '' : `, FAILED: ${result.vecfill.failure}`}`);
    if (rows <= floorMax) {
      result.floor = await runFloor(dataset);
      log(`  floor ${seconds(result.floor.wallMs)} s, load ${loadText(result.floor.load)}${result.floor.ok ? '' : `, FAILED: ${result.floor.failure}`}`);
    }
    await writeFile(file, JSON.stringify(result, null, 2));
    results.push(result);
    if (!values['keep-data']) {
      for (const f of [dataset.file, `${dataset.file}.meta.json`, floorInputFile(dataset)]) await rm(f, { force: true });
    }
  }
}
await client.end();
console.log(`Machine: ${machine}\n\n${table(results)}`);

async function runVecfill(dataset: Dataset): Promise<Run> {
  return timed(approaches.find((a) => a.name === 'vecfill')!, dataset, true);
}

async function runFloor(dataset: Dataset): Promise<Run> {
  const floor = approaches.find((a) => a.name === 'floor')!;
  log('  encoding the floor\'s input (untimed)');
  await floor.prepare!({ db: values.db, table: values.table, dataset, stdin: false });
  return timed(floor, dataset);
}

async function timed(approach: (typeof approaches)[number], dataset: Dataset, sample = false): Promise<Run> {
  await resetTable(client, values.table, dataset.rows, dataset.dims);
  const rss = sample ? sampleRss('run.js', dataset.file) : undefined;
  const before = loadavg()[0];
  const m = await measure(approach.command({ db: values.db, table: values.table, dataset, stdin: false }), {
    cwd: repoDir,
    scratchDir: join(outDir, 'tmp'),
    timeoutMs: Number(values.timeout) * 1000,
  });
  const load: [number, number] = [before, loadavg()[0]];
  const samples = rss?.stop();
  const run: Run = { ok: true, wallMs: m.wallMs, peakRssKb: m.peakRssKb, load };
  if (samples) run.halfRssKb = peakBy(samples, m.wallMs / 2);
  if (m.timedOut) return { ...run, ok: false, failure: `timed out after ${values.timeout} s` };
  if (m.exitCode === null || !approach.okExitCodes.includes(m.exitCode)) {
    return { ...run, ok: false, failure: `exit ${m.exitCode ?? m.signal}: ${m.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  }
  const problems = await verify(client, values.table, dataset);
  if (problems.length) return { ...run, ok: false, failure: `wrong result: ${problems.join('; ')}` };
  try {
    run.phases = JSON.parse(m.stdout).phases;
  } catch {
    // psql prints no summary
  }
  return run;
}

function table(list: SizeResult[]): string {
  const lines = [
    '| input | rows | vecfill wall | rows/s | s per 100k rows | peak RSS | by half time | floor | × floor | load avg (1 min, before → after) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { dataset: d, vecfill: v, floor: f } of list) {
    const input = `${d.format}, ${(d.bytes / 1e9).toFixed(2)} GB`;
    const floor = f ? (f.ok ? `${seconds(f.wallMs)} s` : `failed: ${f.failure}`) : '—';
    const ratio = f?.ok && v.ok ? (v.wallMs / f.wallMs).toFixed(2) : '—';
    const loads = `${loadText(v.load)}${f ? ` (floor ${loadText(f.load)})` : ''}`;
    lines.push(
      v.ok
        ? `| ${input} | ${thousands(d.rows)} | ${seconds(v.wallMs)} s | ${thousands(d.okLines / (v.wallMs / 1000))} | ` +
            `${(v.wallMs / 1000 / (d.rows / 100_000)).toFixed(2)} | ${megabytes(v.peakRssKb)} | ${megabytes(v.halfRssKb ?? null)} | ${floor} | ${ratio} | ${loads} |`
        : `| ${input} | ${thousands(d.rows)} | failed: ${v.failure} | | | | | ${floor} | | ${loads} |`,
    );
  }
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
function loadText([before, after]: [number, number]): string {
  return `${before.toFixed(1)} → ${after.toFixed(1)}`;
}
