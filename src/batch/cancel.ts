// cancel: asks the API to cancel batches in flight and records what it answers. A batch moves to
// "cancelling", then "cancelled" with the output of the requests that ran (ingest it: it is paid for).
import type { Db } from '../db/db.js';
import type { BatchApi } from './api.js';
import { getBatch, listBatches, updateFromApi, type BatchFilter } from './ledger.js';

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
