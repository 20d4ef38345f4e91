// db: the one interface vecfill uses to talk to a database, whatever runs it: PostgreSQL over the wire
// (postgres.ts: pg + pg-copy-streams) or in-process. Everything above this layer speaks SQL through
// these few calls, so the same statements and the same one transaction work on either.
import type { Writable } from 'node:stream';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** A COPY … FROM STDIN: rows can be written at once (they wait in the stream, up to its high-water
 *  mark); the statement goes to the database when `send()` is called, behind the statements sent
 *  before it. `send()` resolves once the database has every row. Once a write's callback has run, the
 *  adapter holds no reference to its chunk: the writer may fill it again (the ingest's chunk pool). */
export interface CopyIn {
  readonly stream: Writable;
  send(): Promise<void>;
}

/** A database connection as vecfill uses it (an adapter implements it for each kind of database). */
export interface Db {
  /** 'postgres' or 'pglite', for messages. */
  readonly kind: string;
  /** One statement, its parameters as $1, $2, …: never several statements, whatever the text holds. */
  query<R = Record<string, any>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** A script of statements without parameters (the ledger's DDL). */
  exec(text: string): Promise<void>;
  /** COPY … FROM STDIN, data streamed (see CopyIn). */
  copyFrom(text: string, opts?: { highWaterMark?: number }): CopyIn;
  /** COPY … TO STDOUT, data as it comes. */
  copyTo(text: string): AsyncIterable<Buffer>;
  /** Stops the statement under way, if any (best effort; returns at once). The connection's next
   *  statement waits until the server has taken the cancel, so it never lands on that one. */
  cancel(): void;
  /** Ends the connection, when this Db opened it (a caller's own connection is left open). */
  close(): Promise<void>;
}

/** Runs fn inside BEGIN … COMMIT (ROLLBACK, and the error, if it throws). `begin` may carry the mode:
 *  'BEGIN READ ONLY', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'. */
export async function withTransaction<T>(db: Db, fn: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await db.query(begin);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    // If the connection is gone, so is the transaction: the server rolled it back.
    await db.query('ROLLBACK').catch(() => {});
    throw err;
  }
  await db.query('COMMIT');
  return result;
}
