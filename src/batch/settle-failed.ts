// settle-failed: a batch that failed as a whole carried no output. On the enqueued-token limit its rows
// go again later without counting an attempt; any other failure counts one for each of its rows.
// Either way the batch is marked ingested (settled), once: of two runs settling it together, the
// second finds it settled under the row lock and does nothing.
import { withTransaction, type Db } from '../db/db.js';
import { sqlTemplate } from '../db/sql-files.js';
import type { Target } from '../db/target.js';
import { getBatch, markIngested, type BatchRecord, type LedgerTarget } from './ledger.js';

/** token_limit: its rows go again without an attempt counted; counted: an attempt counted for each of its rows. */
export type Settled = 'token_limit' | 'counted' | 'already';

export async function settleFailed(db: Db, target: Target, names: LedgerTarget, rec: BatchRecord, log: (l: string) => void): Promise<Settled> {
  const errors = Array.isArray(rec.errors) ? (rec.errors as { code?: string; message?: string }[]) : [];
  const tokenLimit = errors.some((e) => e.code === 'token_limit_exceeded');
  const code = errors[0]?.code ?? 'batch_failed';
  const reason = `batch ${rec.batchId} failed: ${errors.map((e) => e.message ?? e.code).join('; ') || 'no reason given'}`;
  const settled = await withTransaction(db, async () => {
    if ((await getBatch(db, rec.batchId, true))?.ingestedAt) return false;
    if (!tokenLimit) {
      await db.query(sqlTemplate('record-batch-failed.sql', {
        table: target.sql, id: target.idColumn.sql, column: target.column.sql, idtype: target.idColumn.codec.sqlType,
      }), [names.tableSchema, names.tableName, names.column, rec.batchId, `batch_${code}`, reason]);
    }
    await markIngested(db, rec.batchId, { rowsUpdated: 0, tokens: 0 });
    return true;
  });
  if (!settled) return 'already';
  log(`${rec.batchId}: failed (${tokenLimit ? 'enqueued-token limit; its rows go again, no attempt counted' : reason})`);
  return tokenLimit ? 'token_limit' : 'counted';
}
