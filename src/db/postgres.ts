// postgres: the Db of a PostgreSQL server, through node-postgres (one connection) and pg-copy-streams
// (COPY). Every query goes through the extended protocol, so a text can only ever be one statement;
// scripts (exec) and COPY go through the simple one. Connection errors never show the password.
import pg from 'pg';
import { from as copyFromStdin, to as copyToStdout } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ConnectError } from '../errors.js';
import { cancelQuery } from './cancel.js';
import type { CopyIn, Db, QueryResult } from './db.js';

export class PostgresDb implements Db {
  readonly kind = 'postgres';

  /** A cancel the server has not taken yet: the next statement waits for it (cancel.ts says why). */
  private cancelling: Promise<void> | undefined;

  /** owned: close() ends the connection (vecfill opened it); a caller's client is left open. */
  constructor(readonly client: pg.ClientBase, private readonly owned: boolean) {}

  async query<R = Record<string, any>>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    if (this.cancelling) await this.cancelling; // only then: else sent in this tick, so that a cancel() right after finds it running
    // queryMode is node-postgres's own option (pg ≥ 8.12); its type declarations do not list it yet.
    const res = await this.client.query({ text, values: params, queryMode: 'extended' } as pg.QueryConfig);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  }

  async exec(text: string): Promise<void> {
    if (this.cancelling) await this.cancelling;
    await this.client.query(text);
  }

  copyFrom(text: string, opts: { highWaterMark?: number } = {}): CopyIn {
    const stream = guarded(copyFromStdin(text, opts.highWaterMark ? { highWaterMark: opts.highWaterMark } : undefined));
    return {
      stream,
      send: async () => {
        if (this.cancelling) await this.cancelling;
        this.client.query(stream);
        // 'finish' of a pg-copy-streams stream means PostgreSQL has every row (it delays _final).
        await finished(stream);
      },
    };
  }

  async *copyTo(text: string): AsyncIterable<Buffer> {
    if (this.cancelling) await this.cancelling;
    yield* this.client.query(copyToStdout(text)) as AsyncIterable<Buffer>;
  }

  cancel(): void {
    const sent = cancelQuery(this.client);
    const taken = (this.cancelling = Promise.all([this.cancelling, sent]).then(() => {
      if (this.cancelling === taken) this.cancelling = undefined;
    }));
  }

  async close(): Promise<void> {
    if (this.owned) await (this.client as pg.Client).end().catch(() => {});
  }
}

/**
 * pg-copy-streams' COPY FROM stream, with two guards.
 * - When the connection dies while the stream waits for the socket to drain, its 'drain' listener later
 *   writes through the connection it has already dropped, and throws from inside a socket event: an
 *   uncaught TypeError that ends the process (brianc/node-pg-copy-streams#171, seen here with a backend
 *   terminated mid-COPY). Every write of the stream goes through flush(): without a connection the
 *   stream has already failed (its 'error' is out), and the bytes have nowhere to go.
 * - A write's callback means the chunk is the writer's again (CopyIn, db.ts). pg-copy-streams calls
 *   back once the socket accepted the chunk, which for a chunk smaller than the socket's high-water
 *   mark may still be queued in it: then an empty write, whose callback comes after every write
 *   before it, says when the socket is done with it.
 */
export function guarded<S extends Writable>(stream: S): S {
  const s = stream as S & { connection: { stream: Writable } | null; flush(callback?: () => void): void };
  const flush = s.flush;
  s.flush = function (this: typeof s, callback?: () => void) {
    if (!this.connection) return;
    const socket = this.connection.stream;
    flush.call(this, callback && (() => {
      if (socket.writableLength === 0) callback();
      else socket.write(SENT, (err) => { if (!err) callback(); });
    }));
  };
  return stream;
}

const SENT = Buffer.alloc(0);

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** A connection to the server at url (the PG* variables fill in what it leaves out). applicationName:
 *  what pg_stat_activity shows, e.g. to a second run waiting for this one's lock. */
export async function connectPostgres(url: string, applicationName = 'vecfill'): Promise<PostgresDb> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    const e = err as Error & { code?: string };
    const why = e.message || e.code || String(err);
    throw new ConnectError(`cannot connect to ${redactUrl(url)}: ${why.split(url).join(redactUrl(url))}`);
  }
  // A dropped connection mid-ingest is an error of the ingest, not an uncaught exception.
  client.on('error', () => {});
  return new PostgresDb(client, true);
}

/** SQLSTATEs of a session that is gone: connection exceptions (08…), and the backend terminated or the
 *  server shutting down or starting (57P01–57P03). */
const LOST_STATES = /^(08...|57P0[123])$/;
const LOST_MESSAGES = /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|server closed the connection/i;

/** Whether err says the connection to the server is gone (as opposed to a statement that failed). */
export function isConnectionLost(err: unknown): boolean {
  if (err instanceof ConnectError) return true;
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && (LOST_STATES.test(e.code) || LOST_MESSAGES.test(e.code))) return true;
  return typeof e?.message === 'string' && LOST_MESSAGES.test(e.message);
}
