// submit: request files → Batch API batches, each recorded in the ledger with the rows it carries.
// Every file is read and checked first (target, model, dimensions, rows already in flight), so a bad
// file stops the command before anything is uploaded. Then per file: upload (streamed from disk),
// create the batch (/v1/embeddings, 24h, metadata naming the run, table and column, output files that
// expire after a week), record it. The check of rows in flight and the creates run under the target's
// lock (target-lock.ts): a second submit or run on the same target waits, then finds these rows in
// flight.
import type { Db } from '../db/db.js';
import { randomBytes } from 'node:crypto';
import { type DbInput, useDb } from '../db/open.js';
import { resolveTarget, type Target } from '../db/target.js';
import { databaseTag } from './adopt.js';
import type { BatchApi } from './api.js';
import { batchApi, type ApiInternals, type ApiOptions } from './api-options.js';
import { COMMAND_RETRY_FOR_MS } from './api-retry.js';
import { ensureLedger, insertBatch, type LedgerTarget } from './ledger.js';
import { findInManifest } from './manifest.js';
import { checkDimensions } from './models.js';
import { scanRequestFile, type ScannedFile } from './request-scan.js';
import { HOLDING_STATUSES } from './states.js';
import { withTargetLock } from './target-lock.js';
import { ledgerTarget, targetSpec } from './target-names.js';
import { RequestFileError, TargetError, UsageError } from '../errors.js';

/** How long a batch's output and error files live once written: a week, ample for a run (which ingests
 *  a batch as it ends, then deletes its files) or a crashed one resumed later, and an output left
 *  behind by a crash is gone in a week rather than the API's default 30 days. */
export const OUTPUT_EXPIRES_AFTER_SECONDS = 7 * 24 * 3600;

/** What submit() takes. */
export interface SubmitOptions extends ApiOptions {
  /** A connection string, a connected pg client (left open), or a Db: the database whose ledger
   *  records the batches. */
  db: DbInput;
  /** Request files (prepare() writes them, and the manifest beside them that names the target). */
  files: string[];
  /** The target, when no manifest is beside a file (and to override one). */
  table?: string;
  idColumn?: string;
  column?: string;
  /** Names the run in the ledger and the batches' metadata (default: a new id). */
  runId?: string;
  /** Submit rows that a batch in flight already carries. */
  force?: boolean;
  /** Called with each batch as it is created and recorded. */
  onBatch?: (b: SubmittedBatch) => void;
}

/** What run() passes besides. */
export interface SubmitInternals extends ApiInternals {
  /** Recorded with each batch (default 1). */
  attempt?: number;
}

type SubmitCall = SubmitOptions & SubmitInternals & { api: BatchApi };

/** A batch submit() created and recorded. */
export interface SubmittedBatch {
  file: string;
  batchId: string;
  inputFileId: string;
  status: string;
  requests: number;
  estimatedTokens: number;
  table: string;
  column: string;
}

/** What submit() did: the run's id and its batches. */
export interface SubmitSummary {
  runId: string;
  batches: SubmittedBatch[];
}

interface Plan {
  scan: ScannedFile;
  target: Target;
  names: LedgerTarget;
  tokens: number;
}

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `vf_${stamp}_${randomBytes(3).toString('hex')}`;
}

/** Metadata that names the run, table and column on the batch itself, so a batch created but never
 *  recorded (a crash in between) can be found again in the API's batch list. */
export function batchMetadata(runId: string, names: LedgerTarget, dbTag?: string): Record<string, string> {
  return {
    vecfill_run: runId, vecfill_table: `${names.tableSchema}.${names.tableName}`, vecfill_column: names.column,
    ...(dbTag ? { vecfill_db: dbTag } : {}),
  };
}

/**
 * Uploads request files and creates one Batch API batch per file, each recorded in the ledger (schema
 * vecfill of the target database) with the rows it carries. Every file is checked before the first
 * upload; files whose rows are already in a batch in flight are refused unless `force`.
 */
export function submit(opts: SubmitOptions): Promise<SubmitSummary> {
  return submitFiles(opts);
}

/** submit(), with the knobs of SubmitInternals. */
export async function submitFiles(options: SubmitOptions & SubmitInternals): Promise<SubmitSummary> {
  if (options.files.length === 0) throw new UsageError('no request files given (vecfill prepare writes them)');
  const opts: SubmitCall = { ...options, api: batchApi(options, COMMAND_RETRY_FOR_MS) };
  return useDb(opts.db, async (client) => {
    const plans: Plan[] = [];
    for (const file of opts.files) plans.push(await plan(client, file, opts));
    await ensureLedger(client);
    const runId = opts.runId ?? newRunId();
    const dbTag = await databaseTag(client);
    const batches: SubmittedBatch[] = [];
    // Every file is checked before the first upload, under the lock of each target (taken in one order,
    // so that two submits of several targets cannot wait on each other).
    await withTargetLocks(client, distinctTargets(plans), opts, async () => {
      if (!opts.force) for (const p of plans) await refuseInFlight(client, p);
      for (const p of plans) {
        try {
          opts.signal?.throwIfAborted();
          const b = await submitOne(client, opts, runId, dbTag, p);
          batches.push(b);
          opts.onBatch?.(b);
        } catch (err) {
          throw partialFailure(err as Error, batches);
        }
      }
    });
    return { runId, batches };
  });
}

function sameTarget(a: LedgerTarget, b: LedgerTarget): boolean {
  return a.tableSchema === b.tableSchema && a.tableName === b.tableName && a.column === b.column;
}

function distinctTargets(plans: Plan[]): LedgerTarget[] {
  const out: LedgerTarget[] = [];
  for (const p of plans) if (!out.some((t) => sameTarget(t, p.names))) out.push(p.names);
  const key = (t: LedgerTarget) => JSON.stringify([t.tableSchema, t.tableName, t.column]);
  return out.sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

async function withTargetLocks<T>(client: Db, targets: LedgerTarget[], opts: SubmitCall, fn: () => Promise<T>): Promise<T> {
  if (targets.length === 0) return fn();
  return withTargetLock(client, targets[0], { log: opts.log, signal: opts.signal }, () => withTargetLocks(client, targets.slice(1), opts, fn));
}

async function plan(client: Db, file: string, opts: SubmitOptions): Promise<Plan> {
  const known = await findInManifest(file);
  if (!known && !opts.table) {
    throw new UsageError(`${file}: no manifest beside it (vecfill prepare writes PREFIX.manifest.json); pass --table (and --id-column, --column) to say where its vectors go`);
  }
  const spec = opts.table
    ? { table: opts.table, idColumn: opts.idColumn, column: opts.column }
    : targetSpec({ tableSchema: known!.manifest.table.schema, tableName: known!.manifest.table.name, idColumn: known!.manifest.idColumn, column: known!.manifest.column });
  const scan = await scanRequestFile(file, { countTokens: !known });
  const target = await resolveTarget(client, spec);
  checkDimensions({ name: `${target.name}.${target.column.name}`, type: target.column.type, dims: target.column.dims }, scan.model, scan.dimensions ?? undefined);
  const codec = target.idColumn.codec;
  for (const id of scan.ids) {
    const ok = codec.encode(id);
    if (typeof ok === 'string') throw new RequestFileError(`${file}: ${ok} (the id column ${target.name}.${target.idColumn.name} is ${target.idColumn.type})`);
  }
  return { scan, target, names: ledgerTarget(target), tokens: known ? known.entry.tokens : scan.tokens };
}

async function refuseInFlight(client: Db, p: Plan): Promise<void> {
  const { rows: [r] } = await client.query(
    `SELECT count(*)::int AS n, min(b.batch_id) AS batch FROM vecfill.batch_rows r JOIN vecfill.batches b ON b.batch_id = r.batch_id
     WHERE r.row_id = ANY($1::text[]) AND b.table_schema = $2 AND b.table_name = $3 AND b.column_name = $4
       AND b.ingested_at IS NULL AND b.status = ANY($5::text[])`,
    [p.scan.ids, p.names.tableSchema, p.names.tableName, p.names.column, HOLDING_STATUSES],
  );
  if (r.n > 0) {
    throw new TargetError(`${p.scan.path}: ${r.n} of its rows are already in a batch in flight (${r.batch}…); ` +
      'ingest or cancel that batch first (vecfill status), or pass --force to submit them again');
  }
}

async function submitOne(client: Db, opts: SubmitCall, runId: string, dbTag: string, p: Plan): Promise<SubmittedBatch> {
  const api = opts.api;
  const file = p.scan.path;
  const uploaded = await api.upload(file);
  let batch;
  try {
    batch = await api.createBatch({
      input_file_id: uploaded.id,
      endpoint: '/v1/embeddings',
      completion_window: '24h',
      metadata: batchMetadata(runId, p.names, dbTag),
      output_expires_after: { anchor: 'created_at', seconds: OUTPUT_EXPIRES_AFTER_SECONDS },
    }, `${file} (uploaded as ${uploaded.id})`);
  } catch (err) {
    // No batch was made from it (a permanent error, or the retries ran out and the list showed none).
    await api.deleteFile(uploaded.id).catch(() => {});
    throw err;
  }
  try {
    await insertBatch(client, {
      ...p.names, batchId: batch.id, runId, model: p.scan.model, dimensions: p.scan.dimensions, encoding: p.scan.encoding,
      inputFileId: uploaded.id, status: batch.status, requestTotal: p.scan.ids.length, estimatedTokens: p.tokens, attempt: opts.attempt,
    }, p.scan.ids);
  } catch (err) {
    throw Object.assign(new Error(`batch ${batch.id} was created from ${file} but could not be recorded in the ledger ` +
      `(${(err as Error).message}); cancel it with: vecfill cancel ${batch.id}`), { partial: true });
  }
  return {
    file, batchId: batch.id, inputFileId: uploaded.id, status: batch.status, requests: p.scan.ids.length,
    estimatedTokens: p.tokens, table: p.target.name, column: p.target.column.name,
  };
}

/** A failure after some batches were created: they are in the ledger and running, and the message says so. */
function partialFailure(err: Error & { partial?: boolean }, done: SubmittedBatch[]): Error {
  if (done.length === 0) return err;
  const e = new Error(`${err.message}; ${done.length} batch${done.length === 1 ? ' was' : 'es were'} created before it and ` +
    `recorded in the ledger (${done.map((b) => b.batchId).join(', ')}): see vecfill status`);
  return Object.assign(e, { partial: true });
}
