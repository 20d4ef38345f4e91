// stage: inputs → lines → decoded records → binary COPY rows, written to the COPY stream with
// backpressure. It knows nothing of what happens to the rows after the stream (DESIGN.md: one direction);
// rejects flow sideways to the Rejects sink.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Target } from '../db/target.js';
import { CopyRowBatcher } from './copy-binary.js';
import { LineDecoder } from './decode.js';
import { DuplicateFilter } from './duplicates.js';
import { LineSplitter } from './lines.js';
import type { ProgressListener } from './progress.js';
import { rawLine, type Rejects } from './rejects.js';
import type { InputSource } from './sources.js';

export interface StageResult {
  lines: number;
  staged: number;
  bytes: number;
  tokens: number;
  dims: number | null;
  duplicates: DuplicateFilter;
}

export interface StageOptions {
  target: Target;
  rejects: Rejects;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** Model names by output size, for the hint in a dimension mismatch. */
const MODEL_HINT: Record<number, string> = {
  3072: 'text-embedding-3-large',
  1536: 'text-embedding-3-small or text-embedding-ada-002',
};

export async function stage(sources: InputSource[], out: Writable, opts: StageOptions): Promise<StageResult> {
  const { target, rejects } = opts;
  const column = `${target.name}.${target.column.name}`;
  const decoder = new LineDecoder(target.column.kind === 'halfvec');
  const batcher = new CopyRowBatcher();
  const duplicates = new DuplicateFilter();
  const codec = target.idColumn.codec;
  const result: StageResult = { lines: 0, staged: 0, bytes: 0, tokens: 0, dims: target.column.dims, duplicates };
  const totalBytes = sources.every((s) => s.size !== undefined) ? sources.reduce((n, s) => n + s.size!, 0) : undefined;
  const started = performance.now();
  let pending: Buffer[] = [];
  const multi = sources.length > 1;

  for (let f = 0; f < sources.length; f++) {
    const source = sources[f];
    const file = multi ? source.name : undefined;
    const splitter = new LineSplitter({
      line(b, start, end, lineNo) {
        result.lines++;
        const d = decoder.decode(b, start, end);
        result.tokens += d.tokens;
        const reject = (code: string, reason: string) =>
          rejects.add({ file, line: lineNo, custom_id: d.customId, code, reason, raw: rawLine(b, start, end) });
        if (!d.ok) return reject(d.code!, d.reason!);
        if (result.dims === null && d.dims > 0) result.dims = d.dims; // a column without a fixed dimension
        if (d.dims !== result.dims) {
          const hint = MODEL_HINT[d.dims] ? ` (${MODEL_HINT[d.dims]}?)` : '';
          const declared = target.column.dims === null ? `takes ${result.dims} values from the first line` : `is ${target.column.type}`;
          return reject('dimension_mismatch', `column ${column} ${declared} but line ${lineNo} has ${d.dims} values${hint}`);
        }
        const id = codec.encode(d.customId!);
        if (typeof id === 'string') return reject('invalid_id', `${id} (column ${target.name}.${target.idColumn.name} is ${target.idColumn.type})`);
        duplicates.add(id, () => d.customId!);
        const full = batcher.add(id, f, lineNo, decoder.vector, d.dims);
        if (full) pending.push(full);
        result.staged++;
      },
      overlong(lineNo, head) {
        result.lines++;
        rejects.add({ file, line: lineNo, code: 'line_too_long', reason: 'line is longer than 16 MiB', raw: rawLine(head, 0, head.length) });
      },
    });
    const input = source.open();
    for await (const chunk of input as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('interrupted');
      splitter.push(chunk);
      result.bytes += chunk.length;
      await flush(out, pending);
      pending = [];
      await rejects.drained();
      opts.onProgress?.({ bytes: result.bytes, lines: result.lines, totalBytes }, (performance.now() - started) / 1000);
    }
    splitter.end();
  }
  pending.push(batcher.finish());
  await flush(out, pending);
  out.end();
  await finishedOrFailed(out);
  return result;
}

/** Writes the chunks, waiting while the stream's buffer is full: this is what keeps memory constant. */
async function flush(out: Writable, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    if (out.destroyed) throw streamError(out);
    if (!out.write(chunk)) await drainOrFail(out);
  }
}

async function drainOrFail(out: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([once(out, 'drain', { signal: ac.signal }), once(out, 'close', { signal: ac.signal })]);
  } finally {
    ac.abort();
  }
  if (out.destroyed) throw streamError(out);
}

async function finishedOrFailed(out: Writable): Promise<void> {
  if (out.writableFinished) return;
  if (out.destroyed) throw streamError(out);
  const ac = new AbortController();
  try {
    await Promise.race([once(out, 'finish', { signal: ac.signal }), once(out, 'close', { signal: ac.signal })]);
  } finally {
    ac.abort();
  }
  if (!out.writableFinished) throw streamError(out);
}

function streamError(out: Writable): Error {
  return (out as Writable & { errored?: Error | null }).errored ?? new Error('the COPY stream closed early');
}
