// Realistic Batch API output files, cached under out/data/ by everything that shapes them (rows,
// dims, format, error share, seed): shuffled order, custom_id = the row id, a share of HTTP errors.
// Also usable alone: node --import tsx bench/generate.ts --rows 20000 --dims 1536 --format float
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seeded, shuffle } from './random.js';
import { dataDir } from './paths.js';
import type { Format } from './batch-line.js';
import type { ChunkDone, ChunkJob } from './generate-worker.js';

export interface DatasetSpec {
  rows: number;
  dims: number;
  format: Format;
  errorShare: number;
  seed: number;
}

/** A sample the verifier checks after each run: `vector` null means the row must stay NULL. */
export interface Sample {
  id: string;
  vector: number[] | null;
}

export interface Dataset extends DatasetSpec {
  file: string;
  bytes: number;
  okLines: number;
  errorLines: number;
  samples: Sample[];
}

const CHUNK = 250; // lines per worker job: ~5 MB of text at 1536 dims, small enough to keep in flight

export async function ensureDataset(spec: DatasetSpec): Promise<Dataset> {
  const { rows, dims, format, errorShare, seed } = spec;
  const file = join(dataDir, `batch-${rows}x${dims}-${format}-err${errorShare}-seed${seed}.jsonl`);
  const metaFile = `${file}.meta.json`;
  try {
    await stat(file);
    return JSON.parse(await readFile(metaFile, 'utf8')) as Dataset;
  } catch {
    // not cached yet
  }
  await mkdir(dataDir, { recursive: true });

  const uniform = seeded(seed);
  const ids = shuffle(Array.from({ length: rows }, (_, i) => i + 1), uniform);
  const errors = ids.map(() => uniform() < errorShare);
  // What verify.ts checks after each run: the first, middle and last success and one error line.
  const okPositions = errors.flatMap((e, i) => (e ? [] : [i]));
  const picks = [okPositions[0], okPositions[okPositions.length >> 1], okPositions.at(-1), errors.indexOf(true)];
  const samplePositions = new Set(picks.filter((p): p is number => p !== undefined && p >= 0));

  const jobs: ChunkJob[] = [];
  for (let start = 0, index = 0; start < rows; start += CHUNK, index++) {
    const end = Math.min(rows, start + CHUNK);
    jobs.push({ index, seed: (seed * 1_000_003 + index) >>> 0, dims, format, ids: ids.slice(start, end), errors: errors.slice(start, end) });
  }

  const samples: Sample[] = [];
  const partial = `${file}.partial`;
  const out = await open(partial, 'w');
  let bytes = 0;
  try {
    await runInOrder(jobs, async (done) => {
      const text = done.lines.join('\n') + '\n';
      bytes += Buffer.byteLength(text);
      await out.write(text);
      done.lines.forEach((line, i) => {
        const position = done.index * CHUNK + i;
        if (samplePositions.has(position)) samples.push(sampleOf(line));
      });
    });
  } finally {
    await out.close();
  }
  await rename(partial, file); // only a finished file ever carries the cache name
  const errorLines = errors.filter(Boolean).length;
  const dataset: Dataset = { ...spec, file, bytes, okLines: rows - errorLines, errorLines, samples };
  await writeFile(metaFile, JSON.stringify(dataset));
  return dataset;
}

/** The expected stored vector of a line, by the project's rule: Math.fround of each decimal. */
function sampleOf(line: string): Sample {
  const parsed = JSON.parse(line);
  const id = String(parsed.custom_id);
  if (parsed.response.status_code !== 200) return { id, vector: null };
  const value: number[] | string = parsed.response.body.data[0].embedding;
  if (typeof value !== 'string') return { id, vector: value.map((v) => Math.fround(v)) };
  const bytes = Buffer.from(value, 'base64');
  return { id, vector: Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4)) };
}

/** Runs jobs on one worker per core and hands results to `write` in job order, a few in flight. */
async function runInOrder(jobs: ChunkJob[], write: (done: ChunkDone) => Promise<void>): Promise<void> {
  const workers = Array.from({ length: Math.min(availableParallelism(), jobs.length) }, startWorker);
  const pending = new Map<number, ChunkDone>();
  let nextJob = 0;
  let nextWrite = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let writing = Promise.resolve();
      const feed = (worker: Worker): void => {
        if (nextJob < jobs.length) worker.postMessage(jobs[nextJob++]);
      };
      for (const worker of workers) {
        worker.on('error', reject);
        worker.on('message', (done: ChunkDone) => {
          pending.set(done.index, done);
          writing = writing.then(async () => {
            for (let ready = pending.get(nextWrite); ready; ready = pending.get(nextWrite)) {
              pending.delete(nextWrite++);
              await write(ready);
            }
            if (nextWrite === jobs.length) resolve();
          }).catch(reject);
          // Bound memory: a worker gets new work only while few results wait for their turn.
          if (pending.size < workers.length * 2) feed(worker);
          else writing.then(() => feed(worker), reject);
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Workers do not inherit tsx's loader on Node 20, so the worker registers it before importing the
 * TypeScript module (the bench runs from source; only the baselines are compiled).
 */
function startWorker(): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./generate-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '20000' },
      dims: { type: 'string', default: '1536' },
      format: { type: 'string', default: 'float' },
      'error-share': { type: 'string', default: '0.005' },
      seed: { type: 'string', default: '1' },
    },
  });
  const dataset = await ensureDataset({
    rows: Number(values.rows),
    dims: Number(values.dims),
    format: values.format === 'base64' ? 'base64' : 'float',
    errorShare: Number(values['error-share']),
    seed: Number(values.seed),
  });
  console.log(JSON.stringify({ ...dataset, samples: dataset.samples.length }));
}
