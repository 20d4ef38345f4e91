// cancel: asks the API to cancel batches in flight and records what it answers. A batch moves to
// "cancelling", then "cancelled" with the output of the requests that ran (ingest it: it is paid for).
import type { Db } from '../db/db.js';
import { useDb } from '../db/open.js';
import type { BatchApi } from './api.js';
import { batchApi } from './api-options.js';
import { COMMAND_RETRY_FOR_MS } from './api-retry.js';
import { ensureLedger, getBatch, listBatches, updateFromApi, type BatchFilter } from './ledger.js';
import type { StatusOptions } from './status.js';
import { tableFilter } from './target-names.js';

/** What cancel() takes: the batches, or with none, the filters of status(). */
export interface CancelOptions extends StatusOptions {
  /** Batches to cancel (default: every batch in flight that table and runId select). */
  batchIds?: string[];
}

/** What cancel() did, batch by batch. */
export interface CancelSummary {
  batches: CancelResult[];
}

/**
 * Cancels the given batches, or every batch in flight in the ledger that the filters select, and
 * records what the API answers. A cancelled batch keeps the output of the requests that already ran:
 * it is paid for, so ingest it (ingestBatch()). A batch that had already ended is reported, not an error.
 */
export async function cancel(opts: CancelOptions): Promise<CancelSummary> {
  const api = batchApi(opts, COMMAND_RETRY_FOR_MS);
  return useDb(opts.db, async (db) => {
    await ensureLedger(db);
    const filter: BatchFilter = { runId: opts.runId, target: opts.table ? await tableFilter(db, opts.table) : undefined };
    return { batches: await cancelBatches(db, api, opts.batchIds ?? [], filter) };
  }, 'vecfill cancel');
}

/** One batch cancel() asked about. */
export interface CancelResult {
  batchId: string;
  status: string;
  /** Whether the API took the cancel (false: the batch was already final). */
  cancelled: boolean;
  inLedger: boolean;
}

/** Cancels the given batches, or every batch in flight that the filter selects when none are given. */
export async function cancelBatches(db: Db, api: BatchApi, ids: string[], filter: BatchFilter = {}): Promise<CancelResult[]> {
  const targets = ids.length > 0 ? ids : (await listBatches(db, { ...filter, inFlight: true })).map((b) => b.batchId);
  const results: CancelResult[] = [];
  for (const id of targets) {
    const inLedger = (await getBatch(db, id)) !== undefined;
    // A batch that already ended cannot be cancelled: cancelBatch then says where it is instead.
    const { batch, cancelled } = await api.cancelBatch(id);
    if (inLedger) await updateFromApi(db, batch);
    results.push({ batchId: id, status: batch.status, cancelled, inLedger });
  }
  return results;
}
