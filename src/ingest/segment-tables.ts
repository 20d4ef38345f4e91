// segment-tables: where a segment's rows wait for their UPDATE (apply.ts): the table's name, its CREATE,
// the connection that fills it, and how the ingest's transaction begins. Temp tables of the ingest's
// own connection by default; UNLOGGED tables filled by a second connection with --staging unlogged
// (unlogged-staging.ts).
import type { Db } from '../db/db.js';

/** Where a segment's table lives and which connection creates, fills, ANALYZEs and dedups it. The
 *  UPDATE, and every read across segments, run on the ingest's own connection. */
export interface SegmentTables {
  /** The connection that fills the tables: the ingest's own, or one of their own. */
  readonly db: Db;
  /** The statement that opens each transaction of the ingest on its connection. */
  readonly begin: string;
  /** Segment n's table, qualified and quoted as SQL. */
  name(segment: number): string;
  /** The CREATE statement of that table, with these columns. */
  create(name: string, columns: string): string;
}

/** The default: temp tables of the ingest's own transaction, dropped at its COMMIT or ROLLBACK. */
export function tempTables(db: Db): SegmentTables {
  return {
    db,
    begin: 'BEGIN',
    name: (segment) => `pg_temp.vecfill_in_${segment}`,
    // (Inline PLAIN storage for the vectors was measured too: the COPY got ~100 ms faster and the
    // UPDATEs as much slower, so the default TOAST storage stays.)
    create: (name, columns) => `CREATE TEMP TABLE ${name.slice('pg_temp.'.length)} (${columns}) ON COMMIT DROP`,
  };
}
