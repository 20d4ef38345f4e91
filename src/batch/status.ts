// status: the ledger, brought up to date. Each batch that is not final is retrieved from the API and
// its status, counts, file ids and errors copied into the ledger; final batches are never asked again.
import type { Db } from '../db/db.js';
import { useDb, type DbInput } from '../db/open.js';
import { ledgerExists, listBatches, updateFromApi, type BatchFilter, type BatchRecord } from './ledger.js';
import { isFinal } from './states.js';
import { estimateCost, MODELS } from './models.js';
import type { BatchApi } from './api.js';
import { batchApi, type ApiOptions } from './api-options.js';
import { COMMAND_RETRY_FOR_MS } from './api-retry.js';
import { tableFilter } from './target-names.js';

/** What status() and cancel() take. */
export interface StatusOptions extends ApiOptions {
  /** A connection string, a connected pg client (left open), or a Db: the database whose ledger
   *  (schema vecfill) records the batches. */
  db: DbInput;
  /** Only batches of this table: docs, app.docs, '"My Schema"."Docs"'. */
  table?: string;
  /** Only batches of this run (submit()'s runId). */
  runId?: string;
}

/** The batches status() shows. */
export interface StatusSummary {
  batches: BatchStatus[];
}

/**
 * Asks the API about every batch in the ledger that is not final yet, records the answers, and
 * resolves with every batch the filters select: status, request counts, age, tokens and cost.
 */
export async function status(opts: StatusOptions): Promise<StatusSummary> {
  const api = batchApi(opts, COMMAND_RETRY_FOR_MS);
  return useDb(opts.db, async (db) => {
    const filter: BatchFilter = { runId: opts.runId, target: opts.table ? await tableFilter(db, opts.table) : undefined };
    const records = (await ledgerExists(db)) ? await refreshBatches(db, api, filter) : [];
    return { batches: records.map((r) => describeBatch(r)) };
  }, 'vecfill status');
}

/** One batch as the ledger holds it, once refreshed. */
export interface BatchStatus {
  batchId: string;
  runId: string;
  table: string;
  column: string;
  status: string;
  ingested: boolean;
  requests: { total: number; completed: number; failed: number };
  createdAt: string;
  ageSeconds: number;
  /** Tokens used once known (the API's usage, or the ingested output's), else the estimate. */
  tokens: number;
  tokensEstimated: boolean;
  /** US dollars at Batch API prices for those tokens (null for a model vecfill has no price for). */
  cost: number | null;
  outputFileId: string | null;
  errorFileId: string | null;
  errors: unknown;
}

/** Refreshes the batches the filter selects that are not final; returns what the ledger then holds. */
export async function refreshBatches(db: Db, api: BatchApi, filter: BatchFilter = {}): Promise<BatchRecord[]> {
  const records = await listBatches(db, filter);
  const out: BatchRecord[] = [];
  for (const rec of records) {
    if (isFinal(rec.status)) {
      out.push(rec);
      continue;
    }
    const batch = await api.retrieveBatch(rec.batchId);
    out.push((await updateFromApi(db, batch)) ?? rec);
  }
  return out;
}

export function describeBatch(rec: BatchRecord, now = Date.now()): BatchStatus {
  const tokensEstimated = rec.tokensUsed === null;
  const tokens = rec.tokensUsed ?? rec.estimatedTokens;
  return {
    batchId: rec.batchId,
    runId: rec.runId,
    table: `${rec.tableSchema}.${rec.tableName}`,
    column: rec.column,
    status: rec.status,
    ingested: rec.ingestedAt !== null,
    requests: { total: rec.requestTotal, completed: rec.requestCompleted, failed: rec.requestFailed },
    createdAt: rec.createdAt.toISOString(),
    ageSeconds: Math.max(0, Math.round((now - rec.createdAt.getTime()) / 1000)),
    tokens,
    tokensEstimated,
    cost: rec.model && MODELS[rec.model] ? estimateCost(rec.model, tokens) : null,
    outputFileId: rec.outputFileId,
    errorFileId: rec.errorFileId,
    errors: rec.errors,
  };
}
