// Builds chunks of output lines off the main thread: printing floats as shortest decimals is the
// slow part of generating (about 0.6 µs a value), and it parallelizes perfectly.
import { parentPort } from 'node:worker_threads';
import { seeded } from './random.js';
import { embedding, embeddingJson, errorLine, successLine, type Format } from './batch-line.js';

export interface ChunkJob {
  index: number;
  seed: number;
  dims: number;
  format: Format;
  ids: number[];
  errors: boolean[];
}

export interface ChunkDone {
  index: number;
  lines: string[];
}

parentPort?.on('message', (job: ChunkJob) => {
  // One generator per chunk, seeded by the chunk: the bytes do not depend on how many workers ran.
  const uniform = seeded(job.seed);
  const lines = job.ids.map((id, i) =>
    job.errors[i]
      ? errorLine(String(id), uniform)
      : successLine(String(id), embeddingJson(embedding(job.dims, uniform), job.format), uniform),
  );
  const done: ChunkDone = { index: job.index, lines };
  parentPort?.postMessage(done);
});
