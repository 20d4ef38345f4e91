// ingest-stream: ingest() as a Writable to pipeline() into. The bytes written are the ingest's one
// input; the ingest runs alongside, reading each chunk as the data path asks for it, so a chunk's write
// callback waits until the ingest has taken it (backpressure reaches the writer). We delay _final so
// that 'finish' means COMMIT is done (as pg-copy-streams delays it until the data is in PostgreSQL);
// a destroy, or an error upstream that pipeline() turns into one, aborts the ingest, and 'close' comes
// once it has rolled back and released the connection it opened.
import { Writable } from 'node:stream';
import { ingestWith, type IngestInternals, type IngestOptions, type IngestSummary } from './ingest.js';

/** What createIngestStream() takes: ingest()'s options, the input being what is written. */
export type IngestStreamOptions = Omit<IngestOptions, 'inputs'> & {
  /** The input's name in reject records and messages (default "stream"). */
  name?: string;
};

/** A Writable whose bytes are ingested; `summary` settles with the ingest. */
export interface IngestStream extends Writable {
  /** Resolves once COMMIT is done (before 'finish'); rejects with the error that stopped the ingest. */
  readonly summary: Promise<IngestSummary>;
}

/** A chunk written and not yet taken by the ingest, with the write's callback. */
interface Held {
  chunk: Buffer;
  done: () => void;
}

class IngestWritable extends Writable implements IngestStream {
  readonly summary: Promise<IngestSummary>;
  private held: Held | undefined;
  private wake: (() => void) | undefined;
  private ended = false;
  private stopped: Error | undefined;
  private finalizing = false;
  private readonly abort = new AbortController();

  constructor(opts: IngestStreamOptions & IngestInternals) {
    super();
    const { name, ...rest } = opts;
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.abort.signal]) : this.abort.signal;
    this.summary = ingestWith({ ...rest, signal, inputs: [{ name: name ?? 'stream', open: () => this.chunks() }] });
    // An ingest that fails on its own (no such table, a bad rejects path) stops the writer; one that
    // fails while _final waits reports through _final.
    this.summary.catch((err: Error) => {
      if (!this.finalizing && !this.destroyed) this.destroy(err);
    });
  }

  private async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      while (!this.held && !this.ended && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.stopped) throw this.stopped;
      const next = this.held;
      if (!next) return;
      yield next.chunk;
      // Asked for the next chunk: this one is taken, and its writer may go on.
      this.held = undefined;
      next.done();
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.held = { chunk: typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk, done: () => done() };
    this.poke();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.finalizing = true;
    this.ended = true;
    this.poke();
    this.summary.then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    const reason = err ?? new Error('the ingest stream was destroyed before it ended');
    this.stopped = reason;
    this.abort.abort(reason);
    this.poke();
    // 'close' once the ingest has rolled back (or committed, if it had) and its connection is released.
    this.summary.then(() => done(err), () => done(err));
  }
}

/**
 * A Writable that ingests what is written to it, in one transaction, like ingest():
 * `await pipeline(createReadStream('out.jsonl'), createIngestStream({ db, table: 'docs' }))`.
 * 'finish' comes once COMMIT is done, `summary` resolves with the summary; an error upstream or
 * destroy() rolls the transaction back (the table is left as it was).
 */
export function createIngestStream(opts: IngestStreamOptions): IngestStream {
  return new IngestWritable(opts);
}
