// connect: a pg Client from --db / $DATABASE_URL, with the PG* variables filling in what the URL leaves
// out (node-postgres does that), and errors that never show the password.
import pg from 'pg';
import { ConnectError } from '../errors.js';

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

/** applicationName: what pg_stat_activity shows, e.g. to a second run waiting for this one's lock. */
export async function connect(url: string, applicationName = 'vecfill'): Promise<pg.Client> {
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
  return client;
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

/** Runs fn with db when it is a client (left open), else with a connection to that URL, closed after. */
export async function withClient<T>(db: string | pg.ClientBase, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (typeof db !== 'string') return fn(db);
  const client = await connect(db);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}
