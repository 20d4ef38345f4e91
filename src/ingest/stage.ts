// stage: inputs → lines → decoded records → binary COPY rows, written to the COPY stream with
// backpressure. It knows nothing of what happens to the rows after the stream (DESIGN.md: one direction);
// rejects flow sideways to the Rejects sink.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Target } from '../db/target.js';
import { CHUNK_BYTES, ChunkPool, CopyRowBatcher, type SegmentEnd } from './copy-binary.js';
import { LineDecoder } from './decode.js';
import type { DuplicateFilter } from './duplicates.js';
import { LineSplitter } from './lines.js';
import type { ProgressListener } from './progress.js';
import { rawLine, type Rejects } from './rejects.js';
import { SEGMENT_BYTES, SegmentPlan } from './segment-plan.js';
import type { InputSource } from './sources.js';

export interface StageResult {
  lines: number;
  bytes: number;
  tokens: number;
  dims: number | null;
}

/** Where staged rows go: COPY streams, one per segment (db/apply.ts). */
export interface SegmentSink {
  stream(): Writable;
  /** The segment's COPY has all its rows. */
  endSegment(rows: number): void;
  /** Aborts (with the error) when the database side failed: a writer waiting for 'drain' must not
   *  wait forever. */
  failed: AbortSignal;
}

export interface StageOptions {
  target: Target;
  segmentBytes?: number;
  /** A segment also ends every this many rows, counted across segments (commit-every: the groups'
   *  bounds, so that no segment holds rows of two commits, whatever cuts fell inside a group). */
  segmentRows?: number;
  rejects: Rejects;
  duplicates: DuplicateFilter;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** Model names by output size, for the hint in a dimension mismatch. */
const MODEL_HINT: Record<number, string> = {
  3072: 'text-embedding-3-large',
  1536: 'text-embedding-3-small or text-embedding-ada-002',
};

export async function stage(sources: InputSource[], out: SegmentSink, opts: StageOptions): Promise<StageResult> {
  const segmentBytes = opts.segmentBytes ?? SEGMENT_BYTES;
  const segmentRows = opts.segmentRows ?? Infinity;
  let sinceBound = 0; // rows since the last cut at a multiple of segmentRows
  const { target, rejects } = opts;
  const column = `${target.name}.${target.column.name}`;
  const decoder = new LineDecoder(target.column.kind === 'halfvec');
  const pool = new ChunkPool(Math.ceil((3 * Math.min(segmentBytes, SEGMENT_BYTES)) / CHUNK_BYTES));
  const batcher = new CopyRowBatcher(pool);
  const duplicates = opts.duplicates;
  const codec = target.idColumn.codec;
  const result: StageResult = { lines: 0, bytes: 0, tokens: 0, dims: target.column.dims };
  const totalBytes = sources.every((s) => s.size !== undefined) ? sources.reduce((n, s) => n + s.size!, 0) : undefined;
  const started = performance.now();
  // Chunks to write, and segment ends, in order.
  let pending: (Buffer | SegmentEnd)[] = [];
  const multi = sources.length > 1;
  const plan = new SegmentPlan(segmentBytes, totalBytes);
  const cut = () => {
    plan.cut(batcher.segmentBytes);
    const end = batcher.cut();
    if (end) pending.push(end.last, end);
  };

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
        const bound = ++sinceBound >= segmentRows;
        if (bound) sinceBound = 0;
        if (bound || plan.full(batcher.segmentBytes, result.bytes)) cut();
      },
      overlong(lineNo, head) {
        result.lines++;
        rejects.add({ file, line: lineNo, code: 'line_too_long', reason: 'line is longer than 16 MiB', raw: rawLine(head, 0, head.length) });
      },
    });
    const chunks = source.open()[Symbol.asyncIterator]();
    let reading: Promise<IteratorResult<Buffer | string | Uint8Array>> | undefined;
    try {
      for (;;) {
        // An input that sends nothing (an idle pipe) must not hold up an interrupt: race the next chunk.
        reading = chunks.next();
        const next = await untilAborted(reading, opts.signal);
        reading = undefined;
        if (next.done) break;
        const data = next.value;
        opts.signal?.throwIfAborted();
        // A library caller's stream may carry strings or plain Uint8Arrays; files and stdin carry Buffers.
        const chunk = Buffer.isBuffer(data) ? data : typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        splitter.push(chunk);
        result.bytes += chunk.length;
        await flush(out, pending, pool);
        pending = [];
        await rejects.drained();
        opts.onProgress?.({ bytes: result.bytes, lines: result.lines, totalBytes }, (performance.now() - started) / 1000);
      }
    } catch (err) {
      await stopReading(chunks, reading);
      throw err;
    }
    splitter.end();
  }
  cut();
  pending.push(NO_ROWS); // closes a segment that never got a row
  await flush(out, pending, pool);
  return result;
}

/**
 * Closes an input the ingest stops reading because of an error (what for-await does on a break): a
 * file's handle is closed, a caller's stream destroyed, an API download stopped. An input whose own
 * read failed is finished already. A read still under way (an interrupt while an idle pipe sends
 * nothing) may never end: the input is then closed once it does, without waiting for it here.
 */
async function stopReading(chunks: AsyncIterator<unknown>, reading: Promise<unknown> | undefined): Promise<void> {
  if (!chunks.return) return;
  if (!reading) {
    await Promise.resolve(chunks.return()).catch(() => {});
    return;
  }
  reading.then(() => chunks.return!(), () => {}).catch(() => {});
}

const NO_ROWS: SegmentEnd = { last: Buffer.alloc(0), rows: 0 };

/** Writes the chunks, waiting while the stream's buffer is full: this is what keeps memory constant.
 *  Each chunk goes back to the pool once the stream is done with it. */
async function flush(out: SegmentSink, items: (Buffer | SegmentEnd)[], pool: ChunkPool): Promise<void> {
  for (const item of items) {
    if (!Buffer.isBuffer(item)) {
      out.endSegment(item.rows);
      continue;
    }
    const stream = out.stream();
    if (stream.destroyed) throw streamError(stream);
    // A failed write may leave the chunk in a socket's queue: it is not reused then (the ingest is over).
    if (!stream.write(item, (err) => { if (!err) pool.give(item); })) await drainOrFail(stream, out.failed);
  }
}

async function drainOrFail(out: Writable, failed: AbortSignal): Promise<void> {
  const done = new AbortController();
  const signal = AbortSignal.any([done.signal, failed]);
  try {
    await Promise.race([once(out, 'drain', { signal }), once(out, 'close', { signal })]);
  } catch (err) {
    if (failed.aborted) throw failed.reason;
    throw err;
  } finally {
    done.abort();
  }
  if (out.destroyed) throw streamError(out);
}

function streamError(out: Writable): Error {
  return (out as Writable & { errored?: Error | null }).errored ?? new Error('the COPY stream closed early');
}

/**
 * The promise, or a rejection as soon as the signal aborts. Not Promise.race with one long-lived
 * promise: every race leaves a reaction on it that holds the race's result, so each chunk read would
 * stay reachable until the end (2 GB of stdin was 2 GB of memory).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (err) => { signal.removeEventListener('abort', onAbort); reject(err); },
    );
  });
}
