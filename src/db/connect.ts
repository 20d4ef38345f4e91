// connect: a pg Client from --db / $DATABASE_URL, with the PG* variables filling in what the URL leaves
// out (node-postgres does that), and errors that never show the password.
import pg from 'pg';

export class ConnectError extends Error {}

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

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'vecfill' });
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
