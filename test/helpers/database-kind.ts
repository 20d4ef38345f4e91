// Which database the suite runs on: PostgreSQL when DATABASE_URL is set, else the embedded one (PGlite),
// so that `npm test` passes on a machine with no server. Tests that need what only a server has (a
// second session, a backend to terminate, a process to kill while it holds the database) say so.

/** The server's URL, or undefined on the embedded database. */
export const SERVER_URL: string | undefined = process.env.DATABASE_URL || undefined;

export const ON_PGLITE = SERVER_URL === undefined;

/**
 * Test options for a test that needs a PostgreSQL server, with the reason it does: skipped on the
 * embedded database, and the reason shows in the report.
 */
export function serverOnly(why: string): { skip: string | false } {
  return { skip: ON_PGLITE ? `needs a PostgreSQL server (DATABASE_URL): ${why}` : false };
}
