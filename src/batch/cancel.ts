// cancel: asks the API to cancel batches in flight and records what it answers. A batch moves to
// "cancelling", then "cancelled" with the output of the requests that ran (ingest it: it is paid for).
import type pg from 'pg';
import OpenAI from 'openai';
import { getBatch, listBatches, updateFromApi, type BatchFilter } from './ledger.js';
import { apiError, call } from './openai.js';

export interface CancelResult {
  batchId: string;
  status: string;
  /** Whether the API took the cancel (false: the batch was already final). */
  cancelled: boolean;
  inLedger: boolean;
}

/** Cancels the given batches, or every batch in flight that the filter selects when none are given. */
export async function cancelBatches(db: pg.ClientBase, client: OpenAI, ids: string[], filter: BatchFilter = {}): Promise<CancelResult[]> {
  const targets = ids.length > 0 ? ids : (await listBatches(db, { ...filter, inFlight: true })).map((b) => b.batchId);
  const results: CancelResult[] = [];
  for (const id of targets) {
    const inLedger = (await getBatch(db, id)) !== undefined;
    let batch;
    let cancelled = true;
    try {
      batch = await client.batches.cancel(id);
    } catch (err) {
      // A batch that already ended cannot be cancelled (HTTP 400): record where it is instead.
      if (!(err instanceof OpenAI.BadRequestError) && !(err instanceof OpenAI.ConflictError)) {
        throw apiError(err, `cannot cancel batch ${id}`);
      }
      cancelled = false;
      batch = await call(`cannot retrieve batch ${id}`, () => client.batches.retrieve(id));
    }
    if (inLedger) await updateFromApi(db, batch);
    results.push({ batchId: id, status: batch.status, cancelled, inLedger });
  }
  return results;
}
