// bench/jobs.ts: `vecfill ingest --batch … --jobs N` over M completed batches of the emulator, for each
// N, interleaved over rounds (the table rebuilt before every run), wall time of the whole command.
// The batches are created once through vecfill's own prepare and submit, and their output files
// rendered once before any timing, so what is timed is the download (local HTTP) and the ingest.
//
//   npm run bench:jobs -- [--batches 4] [--rows-per-batch 5000] [--dims 1536] [--jobs 1,2,4] [--runs 3]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { prepare } from '../src/batch/prepare.js';
import { submit } from '../src/batch/submit.js';
import { startEmulator } from '../src/emulator/index.js';
import { describeMachine, machineLine } from './machine.js';
import { repoDir } from './paths.js';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '4' },
    'rows-per-batch': { type: 'string', default: '5000' },
    dims: { type: 'string', default: '1536' },
    jobs: { type: 'string', default: '1,2,4' },
    runs: { type: 'string', default: '3' },
    db: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const batches = Number(values.batches);
const perBatch = Number(values['rows-per-batch']);
const dims = Number(values.dims);
const jobsList = values.jobs!.split(',').map(Number);
const runs = Number(values.runs);
const log = (line: string) => void process.stderr.write(`${line}\n`);

// A database of its own: the ledger (schema vecfill) must hold only these batches.
const admin = new pg.Client({ connectionString: values.db });
await admin.connect();
const name = 'vecfill_bench_jobs';
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(values.db!);
url.pathname = `/${name}`;
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
await db.query('CREATE EXTENSION vector');
const rows = batches * perBatch;
const resetTable = async () => {
  await db.query('DROP TABLE IF EXISTS bench_jobs');
  await db.query(`CREATE TABLE bench_jobs (id bigint PRIMARY KEY, body text, embedding vector(${dims}))`);
  await db.query(`INSERT INTO bench_jobs (id, body) SELECT i, 'text number ' || i || repeat(' filler', 30) FROM generate_series(1, ${rows}) i`);
  await db.query('VACUUM ANALYZE bench_jobs');
  await db.query('CHECKPOINT');
};
await resetTable();

const emulator = await startEmulator({ steps: { validating: 0, in_progress: 0, finalizing: 0 } });
const dir = await mkdtemp(join(tmpdir(), 'vecfill-bench-jobs-'));
const openai = { apiKey: 'sk-bench', baseURL: emulator.baseURL };
const prepared = await prepare({ db: url.toString(), table: 'bench_jobs', textColumn: 'body', out: dir, maxRequests: perBatch, encoding: 'base64', dimensions: dims });
const submitted = await submit({ db: url.toString(), openai, files: prepared.files.map((f) => f.path) });
emulator.state.advanceAll();
const ids = submitted.batches.map((b) => b.batchId);
let bytes = 0;
for (const id of ids) bytes += Buffer.byteLength(emulator.state.fileText(emulator.state.batches.get(id)!.json.output_file_id!));
log(`${ids.length} batches of ${perBatch} × ${dims} (base64), ${(bytes / 2 ** 20).toFixed(0)} MB of output; rounds: ${runs}, jobs: ${jobsList.join(', ')}`);

/** One timed `vecfill ingest --batch … --force --jobs N`, its wall time in seconds. */
function ingest(jobs: number): Promise<number> {
  const args = [join(repoDir, 'dist/cli/run.js'), 'ingest', '--db', url.toString(), ...ids.flatMap((id) => ['--batch', id]), '--force', '--jobs', String(jobs), '--quiet', '--json'];
  const start = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => child.on('close', (code) => {
    const seconds = (performance.now() - start) / 1000;
    if (code === 0) resolve(seconds);
    else reject(new Error(`vecfill ingest --jobs ${jobs} exited ${code}: ${stderr}`));
  }));
}

const times = new Map<number, number[]>(jobsList.map((j) => [j, []]));
for (let round = 1; round <= runs; round++) {
  for (const jobs of jobsList) {
    await resetTable();
    const seconds = await ingest(jobs);
    const { rows: [c] } = await db.query('SELECT count(embedding)::int AS n FROM bench_jobs');
    if (c.n !== rows) throw new Error(`--jobs ${jobs}: ${c.n} of ${rows} rows hold a vector`);
    times.get(jobs)!.push(seconds);
    log(`round ${round}, --jobs ${jobs}: ${seconds.toFixed(2)} s`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.get(jobsList[0])!);
const machine = await describeMachine(admin);
console.log(`\n${batches} batches × ${perBatch.toLocaleString('en-US')} rows × ${dims} (base64), ${runs} rounds; ${machineLine(machine)}\n`);
console.log('| --jobs | median s | min–max s | rows/s | vs --jobs ' + jobsList[0] + ' |');
console.log('|---|---|---|---|---|');
for (const [jobs, xs] of times) {
  const m = median(xs);
  console.log(`| ${jobs} | ${m.toFixed(2)} | ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} | ${Math.round(rows / m).toLocaleString('en-US')} | ${(base / m).toFixed(2)}× |`);
}

await emulator.close();
await rm(dir, { recursive: true, force: true });
await db.end();
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
