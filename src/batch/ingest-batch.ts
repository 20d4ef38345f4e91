// ingest-batch: a finished batch's output and error files, streamed straight from the API (no temp
// file, no whole-file read) into ingest(), both in one transaction. In that same transaction, just
// before COMMIT: the per-row failures are recorded, the rows in neither file too, and the batch is
// marked ingested, so the ledger can never disagree with the table. A batch already ingested is
// left alone unless `force`. Expired and cancelled batches are ingested too: their partial output is
// paid for. A download that breaks half-way rolls the transaction back and the ingest starts over
// (within the retry budget): nothing half-applied, no temp file. Two processes ingesting the same
// batch take turns on its lock (target-lock.ts): the second finds it ingested.
import { withTransaction, type Db } from '../db/db.js';
import type { Batch } from 'openai/resources/batches';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { useDb, type DbInput } from '../db/open.js';
import { sqlFile, sqlTemplate } from '../db/sql-files.js';
import { resolveTarget, type Target } from '../db/target.js';
import { ingestWith, type IngestOptions, type IngestSummary } from '../ingest/ingest.js';
import type { ProgressListener } from '../ingest/progress.js';
import { RejectsFile } from '../ingest/rejects-file.js';
import type { RejectRecord } from '../ingest/rejects.js';
import type { InputSource } from '../ingest/sources.js';
import type { BatchApi } from './api.js';
import { batchApi, type ApiInternals, type ApiOptions } from './api-options.js';
import { COMMAND_RETRY_FOR_MS, RetryClock, transientReason } from './api-retry.js';
import { FailureCollector } from './failures.js';
import { ensureLedger, getBatch, insertBatch, markIngested, updateFromApi, type BatchRecord } from './ledger.js';
import { isFailed, isFinal } from './states.js';
import { withBatchLock } from './target-lock.js';
import { ledgerTarget, targetSpec } from './target-names.js';
import { TargetError } from '../errors.js';

/** What ingestBatch() takes. The vector-index and lock options are ingest()'s; commitEvery is not
 *  offered: a batch's rows and its ledger record commit together, in one transaction. */
export interface IngestBatchOptions extends ApiOptions, Pick<IngestOptions, 'index' | 'maintenanceWorkMem' | 'lockTimeoutMs'> {
  /** A connection string, a connected pg client (left open, outside a transaction), or a Db: the
   *  database whose ledger knows the batch. */
  db: DbInput;
  batchId: string;
  /** Ingest again a batch that was already ingested. */
  force?: boolean;
  /** For a batch that is not in the ledger: where its vectors go. */
  table?: string;
  idColumn?: string;
  column?: string;
  /** Where the reject records of the batch's lines go, one JSON object per line: a path (put in
   *  place once the batch is ingested), or a stream (left open). Written just before COMMIT. */
  rejects?: string | Writable;
  /** Called with each reject record, just before COMMIT (a download started over leaves no trace). */
  onReject?: (record: RejectRecord) => void;
  onProgress?: ProgressListener;
}

/** ingestBatch()'s options inside vecfill: a connected Db, the BatchApi, a rejects stream. */
export interface BatchIngestOptions extends Omit<IngestBatchOptions, 'db' | 'rejects'> {
  /** A connected client, outside a transaction (left open). */
  db: Db;
  api: BatchApi;
  /** Every reject record also goes here (left open). */
  rejects?: Writable;
}

/** What ingestBatch() found and did. */
export type BatchIngestOutcome =
  /** Applied, in one transaction with the ledger's bookkeeping. */
  | 'ingested'
  /** Already ingested earlier: nothing done. */
  | 'already_ingested'
  /** Not final yet: nothing done. */
  | 'not_finished'
  /** Failed as a whole (no output): nothing to ingest, its rows may be submitted again. */
  | 'batch_failed';

/** What ingestBatch() did with the batch. */
export interface BatchIngestResult {
  batchId: string;
  outcome: BatchIngestOutcome;
  status: string;
  ingestedAt: string | null;
  summary: IngestSummary | null;
  failures: { final: number; retryable: number; missing: number };
}

class AlreadyIngested extends Error {}

/**
 * Ingests a finished batch straight from the API: its output and error files streamed into one
 * transaction (as ingest() would apply them), every row without a vector recorded in
 * vecfill.row_failures, and the batch marked ingested in that same transaction. Expired and cancelled
 * batches are ingested too (their partial output is paid for); one already ingested is left alone
 * unless `force`; one not finished yet, or failed as a whole, is reported in `outcome`.
 */
export async function ingestBatch(opts: IngestBatchOptions): Promise<BatchIngestResult> {
  const internal = opts as IngestBatchOptions & ApiInternals;
  const api = batchApi(internal, COMMAND_RETRY_FOR_MS);
  // Opened before the database: a rejects path that cannot be written fails before anything is done.
  const file = typeof opts.rejects === 'string' ? await RejectsFile.open(opts.rejects) : undefined;
  let result: BatchIngestResult;
  try {
    result = await useDb(opts.db, (db) => ingestBatchWith({
      ...opts, db, api, rejects: file?.stream ?? (opts.rejects as Writable | undefined),
      signal: file ? (opts.signal ? AbortSignal.any([opts.signal, file.failed]) : file.failed) : opts.signal,
    }), 'vecfill ingest');
  } catch (err) {
    await file?.discard();
    throw err;
  }
  await file?.commit();
  return result;
}

/** ingestBatch() on a connected Db, with the BatchApi given. */
export async function ingestBatchWith(opts: BatchIngestOptions): Promise<BatchIngestResult> {
  const { db, api, batchId } = opts;
  await ensureLedger(db);
  let rec = await getBatch(db, batchId);
  if (rec?.ingestedAt && !opts.force) return outcome(batchId, 'already_ingested', rec, rec.status);
  if (!rec && !opts.table) {
    throw new TargetError(`batch ${batchId} is not in this database's ledger; pass --table (and --id-column, --column) to ingest it anyway`);
  }

  const batch = await api.retrieveBatch(batchId);
  rec = rec ? (await updateFromApi(db, batch)) ?? rec : await adopt(db, batch, opts);
  if (!isFinal(batch.status)) return outcome(batchId, 'not_finished', rec, batch.status);
  if (isFailed(batch.status)) return outcome(batchId, 'batch_failed', rec, batch.status);

  return withBatchLock(db, batchId, { log: opts.log, signal: opts.signal }, async () => {
    // Another process may have ingested it while this one waited for the lock.
    const now = await getBatch(db, batchId);
    if (now?.ingestedAt && !opts.force) return outcome(batchId, 'already_ingested', now, batch.status);
    const clock = new RetryClock(`ingest batch ${batchId}`, api.retry);
    for (;;) {
      try {
        return await ingestOnce(opts, rec!, batch);
      } catch (err) {
        if (transientReason(err) === undefined) throw err;
        await clock.wait(err); // the transaction rolled back; start over, or give up
      }
    }
  });
}

function outcome(batchId: string, kind: BatchIngestOutcome, r: BatchRecord | undefined, status: string): BatchIngestResult {
  return {
    batchId, outcome: kind, status, ingestedAt: r?.ingestedAt?.toISOString() ?? null, summary: null, failures: { final: 0, retryable: 0, missing: 0 },
  };
}

/** One try: both files streamed into one transaction, with the ledger's bookkeeping before COMMIT. */
async function ingestOnce(opts: BatchIngestOptions, rec: BatchRecord, batch: Batch): Promise<BatchIngestResult> {
  const { db, api, batchId } = opts;
  const target = await resolveTarget(db, targetSpec(rec));
  // Reject records wait here until the try has read everything: a try that breaks off and starts over
  // must leave no trace in the caller's rejects file. They are written just before COMMIT, so that a
  // rejects file that cannot take them (a full disk) stops the COMMIT.
  const held: RejectRecord[] = [];
  const failures = new FailureCollector();
  const done = { missing: 0 };
  const finalize = async (c: Db, counts: { rowsUpdated: number; tokens: number }) => {
    const locked = await getBatch(c, batchId, true);
    if (locked?.ingestedAt && !opts.force) throw new AlreadyIngested();
    done.missing = await recordFailures(c, target, batchId, failures);
    await markIngested(c, batchId, counts);
    for (const record of held) {
      opts.onReject?.(record);
      if (opts.rejects && !opts.rejects.write(JSON.stringify(record) + '\n')) await once(opts.rejects, 'drain', { signal: opts.signal });
    }
  };
  // A download that fails mid-ingest aborts the ingest through its signal: that is what stops the
  // COPY in progress before the ROLLBACK (an input that merely throws would leave the COPY open).
  const downloads = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, downloads.signal]) : downloads.signal;
  const inputs = [batch.output_file_id, batch.error_file_id].filter((id): id is string => !!id).map((id) => apiFileSource(api, id, downloads));
  let summary: IngestSummary | null = null;
  try {
    if (inputs.length > 0) {
      summary = await ingestWith({
        db, ...targetSpec(rec), inputs, beforeCommit: finalize, onProgress: opts.onProgress, signal, log: opts.log,
        index: opts.index, maintenanceWorkMem: opts.maintenanceWorkMem, lockTimeoutMs: opts.lockTimeoutMs,
        onReject: (record) => {
          failures.add(record);
          held.push(record);
        },
      });
    } else {
      // A final batch without either file (nothing ran): only the ledger changes.
      await withTransaction(db, () => finalize(db, { rowsUpdated: 0, tokens: 0 }));
    }
  } catch (err) {
    if (err instanceof AlreadyIngested) return outcome(batchId, 'already_ingested', await getBatch(db, batchId), batch.status);
    throw downloads.signal.aborted ? downloads.signal.reason : err;
  }
  const after = await getBatch(db, batchId);
  return { ...outcome(batchId, 'ingested', after, batch.status), summary, failures: { ...failures.counts(), missing: done.missing } };
}

/** An API file as an ingest input: the download starts when the ingest reaches it, and is read as it
 *  arrives. A failure, before or during the download, aborts `onError` with the reason. */
export function apiFileSource(api: BatchApi, fileId: string, onError?: AbortController): InputSource {
  return {
    name: fileId,
    async *open() {
      try {
        yield* api.download(fileId);
      } catch (err) {
        onError?.abort(err);
        throw err;
      }
    },
  };
}

async function recordFailures(c: Db, target: Target, batchId: string, failures: FailureCollector): Promise<number> {
  const names = ledgerTarget(target);
  const base = [names.tableSchema, names.tableName, names.column, batchId];
  if (failures.rows.size > 0) {
    const ids: string[] = [], codes: string[] = [], reasons: string[] = [], finals: boolean[] = [];
    for (const [id, f] of failures.rows) {
      ids.push(id); codes.push(f.code); reasons.push(f.reason); finals.push(f.final);
    }
    await c.query(sqlFile('record-failures.sql'), [...base, ids, codes, reasons, finals]);
  }
  const names2 = { table: target.sql, id: target.idColumn.sql, column: target.column.sql, idtype: target.idColumn.codec.sqlType };
  const missing = await c.query(sqlTemplate('record-missing.sql', names2), base);
  await c.query(sqlTemplate('clear-failures.sql', names2), base);
  return missing.rowCount ?? 0;
}

/** A batch the ledger does not know (created elsewhere): recorded, with the target the caller names. */
async function adopt(db: Db, batch: Batch, opts: BatchIngestOptions): Promise<BatchRecord> {
  const target = await resolveTarget(db, { table: opts.table!, idColumn: opts.idColumn, column: opts.column });
  await insertBatch(db, {
    ...ledgerTarget(target), batchId: batch.id, runId: batch.metadata?.vecfill_run ?? 'external', model: batch.model ?? null,
    dimensions: null, encoding: null, inputFileId: batch.input_file_id, status: batch.status,
    requestTotal: batch.request_counts?.total ?? 0, estimatedTokens: 0,
  }, []);
  return (await updateFromApi(db, batch))!;
}
