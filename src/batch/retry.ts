// retry: request files for the rows that may be tried again, through prepare's own machinery. The rows:
// vector still NULL, seen by the ledger (a batch carried them, or a failure is recorded), not in a batch
// in flight, not failed for good, and failed fewer than maxAttempts times. Model, dimensions and
// encoding default to those of the target's latest batch, so a retry asks for what the first try did.
import type { Db } from '../db/db.js';
import { useDb } from '../db/open.js';
import { resolveTarget } from '../db/target.js';
import { ledgerExists } from './ledger.js';
import { prepareRequests, type PrepareOptions, type PrepareSummary } from './prepare.js';
import { withTargetLock } from './target-lock.js';
import { ledgerTarget } from './target-names.js';

export const DEFAULT_MAX_ATTEMPTS = 3;

/** What retry() takes: prepare()'s options (files named retry-NNNN.jsonl by default). */
export interface RetryOptions extends PrepareOptions {
  /** Rows that failed this many times are not retried (default 3). */
  maxAttempts?: number;
  /** Events: a wait for another process's lock on the target. */
  log?: (line: string) => void;
}

/**
 * Writes request files, as prepare() does, for the rows that may be tried again: vector still NULL,
 * seen by the ledger, in no batch in flight, not failed for good, failed fewer than maxAttempts times.
 * Model, dimensions and encoding default to those of the table's latest batch.
 */
export async function retry(opts: RetryOptions): Promise<PrepareSummary> {
  return useDb(opts.db, async (client) => {
    const last = await latestRequestShape(client, opts);
    // Rows are chosen as the one writer of the target: not while a run or submit is creating batches.
    const names = ledgerTarget(await resolveTarget(client, opts));
    return await withTargetLock(client, names, { log: opts.log, signal: opts.signal }, () => prepareRequests({
      prefix: 'retry',
      ...opts,
      db: client,
      model: opts.model ?? last?.model ?? undefined,
      dimensions: opts.dimensions ?? (opts.model === undefined ? last?.dimensions ?? undefined : undefined),
      encoding: opts.encoding ?? last?.encoding ?? undefined,
      maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      onlyRetry: true,
    }));
  });
}

interface Shape {
  model: string | null;
  dimensions: number | null;
  encoding: 'base64' | 'float' | null;
}

/** What the target's latest batch asked for (none when the ledger knows no batch of it). */
async function latestRequestShape(client: Db, opts: RetryOptions): Promise<Shape | undefined> {
  if (!(await ledgerExists(client))) return undefined;
  const names = ledgerTarget(await resolveTarget(client, opts));
  const { rows } = await client.query<Shape>(
    `SELECT model, dimensions, encoding FROM vecfill.batches
     WHERE table_schema = $1 AND table_name = $2 AND column_name = $3 AND model IS NOT NULL
     ORDER BY created_at DESC, batch_id DESC LIMIT 1`,
    [names.tableSchema, names.tableName, names.column],
  );
  return rows[0];
}
