// Test helpers for `staging: 'unlogged'`: the second connection of an ingest that runs in this test
// process (found by this process's own TCP ports and its application_name, "vecfill staging <pid>",
// so another ingest running at the same time is never mistaken for it), and the staging tables of an
// ingest's connection.
import { tcpPorts } from './activity.js';
import { sql } from './db.js';

export interface StagingBackend {
  /** The staging connection's backend. */
  pid: number;
  /** The backend of the ingest's own connection, whose pid the tables carry. */
  ingestPid: number;
}

/** The staging connection of the ingest this process runs (there must be exactly one). */
export async function ownStagingBackend(): Promise<StagingBackend> {
  const { rows } = await sql(
    `SELECT pid, application_name FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND application_name LIKE 'vecfill staging %'`,
    [await tcpPorts(process.pid)]);
  if (rows.length !== 1) throw new Error(`expected one staging connection of this process, found ${rows.length}`);
  return { pid: rows[0].pid, ingestPid: Number(rows[0].application_name.slice('vecfill staging '.length)) };
}

/** The staging tables of the ingest whose connection had this backend pid. */
export async function stagingTables(ingestPid: number): Promise<string[]> {
  const { rows } = await sql(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'vecfill_staging' AND c.relname LIKE $1 ORDER BY c.relname`, [`in\\_${ingestPid}\\_%`]);
  return rows.map((r) => r.relname as string);
}

/** An input in two parts with `between` awaited in the middle (the ingest runs, tables exist). */
export async function* twoParts(first: string, second: string, between: () => Promise<void>): AsyncGenerator<Buffer> {
  yield Buffer.from(first);
  await between();
  yield Buffer.from(second);
}
