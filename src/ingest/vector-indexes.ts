// vector-indexes: the HNSW and IVFFlat indexes on the column an ingest fills. PostgreSQL updates them
// row by row as the UPDATEs write (HNSW at 20,000 × 1536: ~4× the ingest's time over an index already
// full, ~90× over one growing from an empty column; bench/README.md), so the
// user is told before it hits, and may instead have them dropped and built again from the finished
// column, inside the ingest's one transaction (a build is one sorted pass: cheaper past a few
// thousand rows; bench/README.md). A failure anywhere rolls the DROP back with the rest.
import type { Db } from '../db/db.js';
import { sqlFile } from '../db/sql-files.js';
import type { Target } from '../db/target.js';

/** What an ingest does with the vector indexes on its column. */
export type IndexMode = 'keep' | 'rebuild';

/** A vector index on the target column, as the catalog defines it. */
export interface VectorIndex {
  /** The index's name. */
  name: string;
  /** 'hnsw' or 'ivfflat'. */
  method: string;
  /** pg_get_indexdef(): the statement that creates it again, exactly. */
  definition: string;
  /** What the ingest did with it. */
  action: 'kept' | 'rebuilt';
}

interface IndexRow { sql: string; name: string; method: string; definition: string }

/** The indexes found, and the statements that drop them and create them again. */
export class VectorIndexes {
  private constructor(private readonly rows: IndexRow[], readonly mode: IndexMode) {}

  static async find(db: Db, target: Target, mode: IndexMode): Promise<VectorIndexes> {
    const { rows } = await db.query<IndexRow>(sqlFile('vector-indexes.sql'), [target.sql, target.column.name]);
    return new VectorIndexes(rows, mode);
  }

  get list(): VectorIndex[] {
    const action = this.mode === 'rebuild' ? 'rebuilt' : 'kept';
    return this.rows.map(({ name, method, definition }) => ({ name, method, definition, action }));
  }

  /** One line per index: what it will cost, and the other choice. */
  describe(target: Target): string[] {
    return this.rows.map((r) => {
      const what = `${r.name} (${r.method}) on ${target.name}.${target.column.name}`;
      if (this.mode === 'rebuild') {
        return `${what} is dropped and built again before COMMIT; until then the table is locked ` +
          '(ACCESS EXCLUSIVE): no reads or writes by others';
      }
      const cost = r.method === 'hnsw' ? '4× to 90× the time of an ingest without it (90× while the index fills from empty)' : 'each row is placed in its nearest list';
      return `${what} is updated row by row: ${cost}; --index rebuild drops and recreates it inside the transaction`;
    });
  }

  /** Statements run right after BEGIN. */
  before(maintenanceWorkMem: string | undefined): { text: string; params?: unknown[] }[] {
    if (this.mode !== 'rebuild' || this.rows.length === 0) return [];
    const mem = maintenanceWorkMem === undefined ? [] : [{ text: "SELECT set_config('maintenance_work_mem', $1, true)", params: [maintenanceWorkMem] }];
    return [...mem, ...this.rows.map((r) => ({ text: `DROP INDEX ${r.sql}` }))];
  }

  /** Statements run once every row is applied, before COMMIT. */
  after(): string[] {
    return this.mode === 'rebuild' ? this.rows.map((r) => r.definition) : [];
  }
}
