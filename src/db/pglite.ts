// pglite: the Db of an embedded PostgreSQL (PGlite: PostgreSQL compiled to WebAssembly, with pgvector),
// kept in a directory and run inside this process. Same SQL, same one transaction as on a server; what
// differs is underneath:
// - COPY reads from and writes to an in-memory blob (`FROM '/dev/blob'`), one per statement, so a COPY
//   stream is cut into bounded blobs of whole tuples (copy-blobs.ts), each its own COPY statement;
// - one process per directory (pglite-dir-lock.ts); within the process, every open of a directory
//   shares one instance, closed with the last close. An instance is one session: a handle inside a
//   transaction has it to itself, the others' statements wait for its COMMIT or ROLLBACK.
import { mkdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { ConnectError } from '../errors.js';
import { CopyBlobCutter } from './copy-blobs.js';
import type { CopyIn, Db, QueryResult } from './db.js';
import { lockDirectory } from './pglite-dir-lock.js';
import { pgliteDirectory } from './pglite-url.js';

/** Results as node-postgres gives them, so the code above reads either alike: int8 as a string (it
 *  may not fit a double), bytea as a Buffer. */
const PARSERS = {
  [types.INT8]: (text: string) => text,
  [types.BYTEA]: (text: string) => Buffer.from(text.slice(2), 'hex'),
};

interface Instance {
  dir: string;
  pg: PGlite;
  refs: number;
  release: () => void;
  /** The handle inside a transaction, if any; others wait for it. */
  owner: PgliteDb | null;
  waiters: (() => void)[];
}

const opening = new Map<string, Promise<Instance>>();
/** Directories being closed: a new open waits, so that one process never has two instances on one. */
const closing = new Map<string, Promise<void>>();

/** A handle on the embedded database in dir, created on first use. */
export async function openPglite(url: string): Promise<PgliteDb> {
  const dir = pgliteDirectory(url);
  for (;;) {
    const closed = closing.get(dir);
    if (closed) await closed;
    let instance = opening.get(dir);
    if (!instance) {
      instance = start(dir);
      opening.set(dir, instance);
      instance.catch(() => opening.delete(dir));
    }
    const inst = await instance;
    if (opening.get(dir) !== instance) continue; // closed while we waited: open it afresh
    inst.refs++;
    return new PgliteDb(inst);
  }
}

async function start(dir: string): Promise<Instance> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ConnectError(`cannot create the embedded database directory ${dir}: ${(err as Error).message}`);
  }
  const release = lockDirectory(dir);
  let pg: PGlite | undefined;
  try {
    pg = await PGlite.create(dir, { extensions: { vector }, parsers: PARSERS });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (err) {
    await pg?.close().catch(() => {});
    release();
    throw new ConnectError(`cannot open the embedded database ${dir}: ${(err as Error).message ?? err}`);
  }
  return { dir, pg, refs: 0, release, owner: null, waiters: [] };
}

async function unref(inst: Instance): Promise<void> {
  if (--inst.refs > 0) return;
  opening.delete(inst.dir);
  const done = inst.pg.close().catch(() => {}).finally(() => {
    inst.release();
    closing.delete(inst.dir);
  });
  closing.set(inst.dir, done);
  await done;
}

const BEGINS = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
const ENDS = /^\s*(COMMIT|ROLLBACK|END|ABORT)\b/i;

export class PgliteDb implements Db {
  readonly kind = 'pglite';
  /** This handle's statements run one after another, in the order they were called (as on a connection). */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly inst: Instance) {}

  /** The PGlite instance, for callers who want it (shared with every other handle on the directory). */
  get pglite(): PGlite {
    return this.inst.pg;
  }

  get directory(): string {
    return this.inst.dir;
  }

  async query<R = Record<string, any>>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    return this.serial(async () => {
      const begins = BEGINS.test(text);
      const ends = ENDS.test(text);
      if (begins) this.inst.owner = this;
      try {
        // PGlite's query runs the extended protocol: one statement, whatever the text holds.
        const res = await this.inst.pg.query<R>(text, params);
        if (ends) this.leave();
        return { rows: res.rows, rowCount: res.rowCount ?? res.affectedRows ?? res.rows.length };
      } catch (err) {
        if (begins || ends) this.leave();
        throw err;
      }
    });
  }

  async exec(text: string): Promise<void> {
    await this.serial(() => this.inst.pg.exec(text));
  }

  copyFrom(text: string, opts: { highWaterMark?: number } = {}): CopyIn {
    if (!/\bbinary\b/i.test(text)) throw new Error('the embedded database takes COPY FROM in binary format only');
    const sql = text.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
    // The stream hands each chunk to send() and holds its callback until the chunk is taken: rows
    // written before send() wait in the stream's buffer (up to its high-water mark), as on a server.
    let pending: { chunk: Buffer; done: (err?: Error | null) => void } | null = null;
    let ended: ((err?: Error | null) => void) | null = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const stream = new Writable({
      highWaterMark: opts.highWaterMark,
      write(chunk: Buffer, _encoding, done) {
        pending = { chunk, done };
        notify();
      },
      final(done) {
        ended = done;
        notify();
      },
      destroy(err, done) {
        notify();
        done(err);
      },
    });
    const send = () => this.serial(async () => {
      const cutter = new CopyBlobCutter();
      const copy = (blob: Blob | null) => (blob ? this.inst.pg.query(sql, [], { blob }) : undefined);
      try {
        for (;;) {
          if (stream.destroyed) throw (stream as Writable & { errored?: Error | null }).errored ?? new Error('the COPY stream was destroyed');
          if (pending) {
            const { chunk, done } = pending;
            pending = null;
            await copy(cutter.push(chunk));
            done();
          } else if (ended) {
            await copy(cutter.finish());
            break;
          } else {
            await new Promise<void>((r) => (wake = r));
          }
        }
      } catch (err) {
        if (!stream.destroyed) stream.destroy(err as Error);
        throw err;
      }
      // 'finish' now means the database has every row, as with pg-copy-streams.
      (ended as unknown as (err?: Error | null) => void)();
    });
    return { stream, send };
  }

  async *copyTo(text: string): AsyncIterable<Buffer> {
    const sql = text.replace(/\bTO\s+STDOUT\b/i, "TO '/dev/blob'");
    const res = await this.serial(() => this.inst.pg.query(sql));
    if (res.blob) yield Buffer.from(await res.blob.arrayBuffer());
  }

  /** Nothing to do: PGlite runs a statement synchronously on this thread, so while one runs, nothing
   *  else does (no signal handler, no timer); by the time cancel() can be called, it has ended. */
  cancel(): void {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inst.owner === this) {
      // A transaction left open: the other handles would wait for it forever.
      await this.inst.pg.query('ROLLBACK').catch(() => {});
      this.leave();
    }
    await unref(this.inst);
  }

  /** Runs fn after this handle's earlier statements, once no other handle is inside a transaction. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      if (this.closed) throw new Error(`the embedded database ${this.inst.dir} was closed`);
      while (this.inst.owner && this.inst.owner !== this) await new Promise<void>((r) => this.inst.waiters.push(r));
      return fn();
    });
    this.tail = run.catch(() => {});
    return run;
  }

  private leave(): void {
    if (this.inst.owner !== this) return;
    this.inst.owner = null;
    for (const w of this.inst.waiters.splice(0)) w();
  }
}
