// unlogged-staging: `--staging unlogged`, the segments' tables filled by a second connection. With temp
// tables one PostgreSQL backend does everything in turn: COPY segment k, UPDATE from it, COPY k+1, on
// one core. Here a second connection (autocommit, same URL) creates each segment's table as an UNLOGGED
// table in the schema vecfill_staging, COPYs the segment into it, ANALYZEs and dedups it, each statement
// committed on its own (scratch: no WAL for the rows, no fsync for the commits), while the ingest's one
// transaction runs the UPDATE … FROM the segment before: two backends at once, and the target still
// changes in one transaction. That transaction is READ COMMITTED (each UPDATE sees the rows committed
// before it began), whatever the user's default_transaction_isolation.
//
// The tables are named after the backend pid of the ingest's connection and the segment number, so two
// ingests never collide; they are dropped once the ingest's transaction has ended, however it ended.
// A run that crashed leaves its tables behind: the next one drops those whose pid is no session's.
import type { Db } from '../db/db.js';
import { openDb, type DbInput } from '../db/open.js';
import { isPgliteUrl } from '../db/pglite-url.js';
import { isConnectionLost } from '../db/postgres.js';
import { sqlFile } from '../db/sql-files.js';
import { quoteIdent, quoteQualified } from '../db/identifiers.js';
import { UsageError } from '../errors.js';
import type { SegmentTables } from './segment-tables.js';

/** Where a segment's rows wait for their UPDATE: 'temp' tables of the ingest's own connection, or
 *  'unlogged' tables that a second connection fills (IngestOptions.staging). */
export type StagingMode = 'temp' | 'unlogged';

export const STAGING_SCHEMA = 'vecfill_staging';

/** Tables per DROP: each one takes a lock, and a lock table has room for a few thousand. */
const DROP_BATCH = 100;

export interface StagingOptions {
  db: DbInput;
  staging?: string;
  commitEvery?: number;
}

/** The combinations that cannot work, refused before anything is opened. */
export function checkStagingOptions(opts: StagingOptions): void {
  if (opts.staging === undefined || opts.staging === 'temp') return;
  if (opts.staging !== 'unlogged') throw new UsageError(`--staging is temp or unlogged, not ${JSON.stringify(opts.staging)}`);
  if (opts.commitEvery !== undefined) {
    throw new UsageError('--staging unlogged is not needed with --commit-every (each group commits on its own, the ' +
      'overlap is for one long transaction): use one or the other');
  }
  if (typeof opts.db === 'string' && isPgliteUrl(opts.db)) {
    throw new UsageError('--staging unlogged needs a second session, and the embedded database (pglite:) has one: leave it out (--staging temp)');
  }
  if (typeof opts.db !== 'string') {
    throw new UsageError('staging: unlogged opens a second connection to the same database: pass db as a connection string');
  }
}

export class UnloggedStaging implements SegmentTables {
  readonly begin = 'BEGIN ISOLATION LEVEL READ COMMITTED';
  /** Every table named so far: the ones to drop at the end (IF EXISTS: a CREATE may not have run). */
  private readonly names: string[] = [];

  private constructor(readonly db: Db, private readonly pid: number) {}

  /**
   * Opens the second connection for the ingest on `ingestDb`, makes sure the schema is there and
   * drops what crashed runs left in it (named through `log`).
   */
  static async open(input: string, ingestDb: Db, log?: (line: string) => void): Promise<UnloggedStaging> {
    const { rows: [{ pid }] } = await ingestDb.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const db = await openDb(input, `vecfill staging ${pid}`);
    try {
      // The rows are scratch, and so are the commits: none need to wait for the WAL to reach disk.
      await db.query('SET synchronous_commit = off');
      await ensureSchema(db);
      await dropLeftovers(db, log);
    } catch (err) {
      await db.close();
      throw err;
    }
    return new UnloggedStaging(db, pid);
  }

  name(segment: number): string {
    const name = quoteQualified([STAGING_SCHEMA, `in_${this.pid}_${segment}`]);
    this.names.push(name);
    return name;
  }

  create(name: string, columns: string): string {
    // Autovacuum has nothing to do in a table that lives for one ingest.
    return `CREATE UNLOGGED TABLE ${name} (${columns}) WITH (autovacuum_enabled = off)`;
  }

  /**
   * Drops the tables and closes the second connection; call once the ingest's transaction has ended
   * (its reads of the tables hold locks until then). If the second connection is gone, `ingestDb`
   * drops them; if neither can, the next run will. Never throws.
   */
  async close(ingestDb: Db): Promise<void> {
    try {
      await dropTables(this.db, this.names).catch(async (err) => {
        if (!isConnectionLost(err)) throw err;
        await dropTables(ingestDb, this.names);
      });
    } catch {
      // Left for the next run's sweep.
    } finally {
      await this.db.close();
    }
  }
}

async function ensureSchema(db: Db): Promise<void> {
  const { rows: [p] } = await db.query<{ database: string; on_database: boolean; on_schema: boolean | null }>(
    `SELECT current_database() AS database, has_database_privilege(current_database(), 'CREATE') AS on_database,
            (SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = $1) AS on_schema`, [STAGING_SCHEMA]);
  const allowed = p.on_schema ?? p.on_database;
  if (!allowed) throw noCreate(p.database, p.on_schema !== null);
  try {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(STAGING_SCHEMA)}`);
  } catch (err) {
    if ((err as { code?: string }).code === INSUFFICIENT_PRIVILEGE) throw noCreate(p.database, false);
    throw err;
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

function noCreate(database: string, schemaExists: boolean): UsageError {
  const what = schemaExists
    ? `the CREATE privilege on schema ${STAGING_SCHEMA} (GRANT CREATE ON SCHEMA ${STAGING_SCHEMA} TO …)`
    : `the CREATE privilege on database ${quoteIdent(database)} to create schema ${STAGING_SCHEMA} (GRANT CREATE ON DATABASE ${quoteIdent(database)} TO …)`;
  return new UsageError(`--staging unlogged needs ${what}; without it, use --staging temp`);
}

async function dropLeftovers(db: Db, log?: (line: string) => void): Promise<void> {
  const { rows } = await db.query<{ relname: string }>(sqlFile('staging-leftovers.sql'), [STAGING_SCHEMA]);
  if (rows.length === 0) return;
  const names = rows.map((r) => quoteQualified([STAGING_SCHEMA, r.relname]));
  await dropTables(db, names);
  log?.(`dropped ${names.length} staging table${names.length === 1 ? '' : 's'} a crashed ingest left: ${names.join(', ')}`);
}

async function dropTables(db: Db, names: string[]): Promise<void> {
  for (let k = 0; k < names.length; k += DROP_BATCH) {
    await db.query(`DROP TABLE IF EXISTS ${names.slice(k, k + DROP_BATCH).join(', ')}`);
  }
}
