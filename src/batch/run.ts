// run: the whole round trip for one target, resumable, with the ledger as its only state. Each turn:
// refresh the target's batches in flight, ingest each one that has finished (expired and cancelled
// ones too: their partial output is paid for), settle the ones that failed as a whole; while any is
// still in flight, wait and poll again; once none is, prepare what may be sent (rows never sent, and
// rows to retry that failed fewer than maxAttempts times) and submit it. It ends when nothing is in
// flight and nothing may be sent. Killed and run again, it picks up the batches in flight from the
// ledger (polled, never resubmitted), and prepare leaves out every row in flight or done; a batch
// created but killed before it was recorded is found again through its metadata (adopt.ts).
//
// Unattended: every API call waits out transient faults within --retry-for (api.ts), a lost database
// connection is reconnected and the loop starts again from the ledger (reconnect.ts), and rows are
// chosen and batches created under the target's lock (target-lock.ts), so a second run at the same
// time waits, then polls and ingests the same batches and never sends a row twice. Only a permanent
// error or a spent budget stops it; the error carries what was done (`summary`).
//
// With maxEnqueuedTokens, the request files are written no larger than that (in estimated tokens) and
// wait in a queue (in memory: killed, the next run prepares them again) until the batches in flight
// leave room. By default the files run uploaded are deleted once their batch is final, and the output
// and error files once their ingest has committed; a failed delete is logged, never fatal.
import { withTransaction, type Db } from '../db/db.js';
import { openDb, useDb, type DbInput } from '../db/open.js';
import { isPgliteUrl } from '../db/pglite-url.js';
import type { IngestOptions } from '../ingest/ingest.js';
import { checkLiveTableOptions } from '../ingest/live-table.js';
import { UsageError } from '../errors.js';
import { resolveTarget, type Target, type TargetSpec } from '../db/target.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { adoptUnrecorded } from './adopt.js';
import type { BatchApi } from './api.js';
import { batchApi, type ApiInternals, type ApiOptions } from './api-options.js';
import { RUN_RETRY_FOR_MS } from './api-retry.js';
import { deleteFiles } from './delete-files.js';
import { ingestBatchWith } from './ingest-batch.js';
import { ingestEach, poolErrors } from './ingest-pool.js';
import { ensureLedger, listBatches, type BatchFilter, type BatchRecord, type LedgerTarget } from './ledger.js';
import { prepareRequests, type PrepareSummary } from './prepare.js';
import { withReconnect } from './reconnect.js';
import { DEFAULT_MAX_ATTEMPTS } from './retry.js';
import { RequestQueue } from './run-queue.js';
import { settleFailed } from './settle-failed.js';
import { isEnqueued, isFailed, isFinal, isInFlight } from './states.js';
import { refreshBatches } from './status.js';
import { newRunId, submitFiles } from './submit.js';
import { withTargetLock } from './target-lock.js';
import { ledgerTarget } from './target-names.js';

/** What run() takes (retryForMs, 30 minutes by default, is also how long a lost database connection
 *  is waited for). */
export interface RunOptions extends TargetSpec, ApiOptions, Pick<IngestOptions, 'index' | 'maintenanceWorkMem' | 'lockTimeoutMs'> {
  /** A connection string (reconnected when lost), or a connected client (left open; not reconnected). */
  db: DbInput;
  /** The column with the text to embed. */
  textColumn: string;
  /** Only rows where this raw SQL holds (the caller's own SQL, by design). */
  where?: string;
  /** text-embedding-3-small (default), text-embedding-3-large, text-embedding-ada-002. */
  model?: string;
  /** Ask for vectors of this many dimensions (text-embedding-3-* only). */
  dimensions?: number;
  /** base64 (default) or float. */
  encoding?: 'base64' | 'float';
  /** Cut texts over the model's input limit to fit (default), or leave their rows out (false). */
  truncate?: boolean;
  /** Requests per batch (default and maximum: 50,000). */
  maxRequests?: number;
  /** Seconds between polls (default 60). */
  pollInterval?: number;
  /** A row that failed this many times is not sent again (default 3). */
  maxAttempts?: number;
  /** Keep the request files here (default: a temporary directory, removed once submitted). */
  out?: string;
  /** Keep the estimated tokens of this target's batches in flight under this: larger request files are
   *  split, and files that would exceed it wait until batches finish (default: no limit). */
  maxEnqueuedTokens?: number;
  /** Keep the uploaded input files and the batches' output and error files (default: delete them). */
  keepFiles?: boolean;
  /** Finished batches ingested at once, each on a connection of its own and in its own transaction
   *  (default 1). A batch that fails lets the others under way finish, starts no more, and its error
   *  is thrown. Needs a PostgreSQL connection string: given a connected client, or an embedded
   *  database (one session), or with index 'rebuild' (each batch locks the whole table), run ingests
   *  one batch at a time and says so once through `log`. */
  jobs?: number;
}

/** What run() did, and where the table is at the end. */
export interface RunSummary {
  runId: string;
  table: string;
  column: string;
  /** Batches this run created, and batches it ingested (its own, or in flight from an earlier run). */
  batchesSubmitted: number;
  batchesIngested: number;
  rowsUpdated: number;
  /** Rows the selection (--where) holds, those with a vector at the end, and those without. */
  rows: number;
  filled: number;
  unfilled: number;
  /** Why the unfilled rows are: from the last prepare, which found nothing more to send. */
  failedForGood: number;
  outOfAttempts: number;
  emptyText: number;
  tooLong: number;
}

/** The input file of a batch vecfill uploaded (not one it only ingested: `vecfill ingest --batch --table`). */
function ownInput(rec: BatchRecord): string[] {
  return rec.runId === 'external' ? [] : [rec.inputFileId];
}

/** Consecutive turns whose every batch failed on the enqueued-token limit before run gives up. */
const TOKEN_LIMIT_TURNS = 3;

/** What a run has done and where it is: kept across reconnects. */
interface RunState {
  summary: RunSummary;
  turn: number;
  tokenLimitTurns: number;
  last: PrepareSummary | undefined;
  seen: Map<string, string>;
  lastWait: string;
}

/**
 * The whole Batch API round trip for one table, until every selected row holds a vector or has failed
 * for good: prepare, submit, poll, ingest each batch as it finishes, then retry the rows that may go
 * again. Resumable: all state is in the ledger, so called again after a crash it polls the batches in
 * flight instead of resubmitting them. A failure carries what was done in `summary`.
 */
export function run(opts: RunOptions): Promise<RunSummary> {
  return runFill(opts);
}

/** run(), with the BatchApi given (ApiInternals). */
export async function runFill(opts: RunOptions & ApiInternals): Promise<RunSummary> {
  const runId = newRunId();
  const state: RunState = {
    summary: {
      runId, table: '', column: '', batchesSubmitted: 0, batchesIngested: 0, rowsUpdated: 0,
      rows: 0, filled: 0, unfilled: 0, failedForGood: 0, outOfAttempts: 0, emptyText: 0, tooLong: 0,
    },
    turn: 0, tokenLimitTurns: 0, last: undefined, seen: new Map(), lastWait: '',
  };
  const api = batchApi(opts, RUN_RETRY_FOR_MS).withSignal(opts.signal);
  // The ingest's options are refused before anything is submitted, not at the first batch's ingest.
  checkLiveTableOptions({ index: opts.index, maintenanceWorkMem: opts.maintenanceWorkMem, lockTimeoutMs: opts.lockTimeoutMs });
  const jobs = runJobs(opts);
  try {
    if (typeof opts.db !== 'string') return await useDb(opts.db, (db) => loop(db, { ...opts, api, jobs }, state));
    return await withReconnect(opts.db, 'vecfill run', api.retry, (db) => loop(db, { ...opts, api, jobs }, state));
  } catch (err) {
    // What was done before the failure is in the ledger and the table, and stays: say what it was.
    if (err instanceof Error) Object.assign(err, { summary: state.summary });
    throw err;
  }
}

/** opts.jobs, or 1 where batches cannot go side by side (said once): no second connection can be
 *  opened, or each batch's index rebuild locks the whole table. */
function runJobs(opts: RunOptions): number {
  const jobs = opts.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`jobs is a whole number ≥ 1, not ${jobs}`);
  const why = jobs === 1 ? undefined
    : typeof opts.db !== 'string' ? 'a connection given, not a connection string'
    : isPgliteUrl(opts.db) ? 'the embedded database is one session'
    : opts.index === 'rebuild' ? 'index rebuild locks the whole table for each batch' : undefined;
  if (why === undefined) return jobs;
  opts.log?.(`${why}: jobs ${jobs} ingests one batch at a time`);
  return 1;
}

async function loop(db: Db, opts: RunOptions & { api: BatchApi; jobs: number }, st: RunState): Promise<RunSummary> {
  const log = opts.log ?? (() => {});
  const api = opts.api;
  const pollMs = (opts.pollInterval ?? 60) * 1000;
  const wait = () => sleep(pollMs, undefined, { signal: opts.signal }).catch(() => opts.signal?.throwIfAborted());
  await ensureLedger(db);
  const target = await resolveTarget(db, opts);
  const names = ledgerTarget(target);
  const summary = st.summary;
  Object.assign(summary, { table: target.name, column: target.column.name });
  const filter: BatchFilter = { target: { tableSchema: names.tableSchema, tableName: names.tableName, column: names.column } };
  const locked = <T>(fn: () => Promise<T>) => withTargetLock(db, names, { log, signal: opts.signal }, fn);
  const queue = new RequestQueue(opts.out, summary.runId);
  await locked(() => adoptUnrecorded(db, api, names, log));
  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      const records = await refreshBatches(db, api, filter);
      for (const rec of records) {
        if (st.seen.get(rec.batchId) !== rec.status && rec.ingestedAt === null) log(`${rec.batchId}: ${rec.status} (${rec.requestCompleted}/${rec.requestTotal} done, ${rec.requestFailed} failed)`);
        st.seen.set(rec.batchId, rec.status);
      }
      let tokenLimited = 0;
      let settled = 0;
      const ingestable: BatchRecord[] = [];
      for (const rec of records.filter((r) => r.ingestedAt === null && isFinal(r.status))) {
        opts.signal?.throwIfAborted();
        if (!isFailed(rec.status)) {
          ingestable.push(rec);
          continue;
        }
        const how = await settleFailed(db, target, names, rec, log);
        if (how === 'already') continue; // another run settled it
        settled++;
        if (how === 'token_limit') tokenLimited++;
        if (!opts.keepFiles) await deleteFiles(api, ownInput(rec), log);
      }
      settled += ingestable.length;
      await ingestFinished(db, opts, ingestable, summary);
      if (settled > 0) st.tokenLimitTurns = tokenLimited === settled ? st.tokenLimitTurns + 1 : 0;
      if (st.tokenLimitTurns >= TOKEN_LIMIT_TURNS) {
        throw new Error(`every batch failed on the organization's enqueued-token limit, ${TOKEN_LIMIT_TURNS} times in a row, ` +
          'with nothing else of this table in flight; lower --max-requests to send smaller batches');
      }
      // The queue was full: give it a poll interval before those rows go again.
      if (tokenLimited > 0 && !records.some((r) => isInFlight(r.status))) await wait();

      const step = await locked(() => chooseAndSubmit(db, opts, st, names, filter, queue));
      if (step === 'done') break;
      if (step === 'submitted') continue;
      await wait();
    }
  } finally {
    await queue.drop();
  }

  const c = await countSelected(db, target, opts.where);
  Object.assign(summary, {
    rows: c.rows, filled: c.filled, unfilled: c.rows - c.filled,
    failedForGood: st.last?.failedForGood ?? 0, outOfAttempts: st.last?.outOfAttempts ?? 0,
    emptyText: st.last?.emptyText.count ?? 0, tooLong: st.last?.tooLong.count ?? 0,
  });
  return summary;
}

/** The finished batches, up to opts.jobs at once, each on its own connection. One that fails lets the
 *  others under way finish; then its error is thrown as it is (a lost connection is reconnected). */
async function ingestFinished(db: Db, opts: RunOptions & { api: BatchApi; jobs: number }, recs: BatchRecord[], summary: RunSummary): Promise<void> {
  const log = opts.log ?? (() => {});
  const { api } = opts;
  const byId = new Map(recs.map((r) => [r.batchId, r]));
  const outcomes = await ingestEach([...byId.keys()], {
    jobs: opts.jobs, db, signal: opts.signal,
    connect: () => openDb(opts.db as string, 'vecfill run'),
    onStart: (batchId) => { if (opts.jobs > 1) log(`${batchId}: ingesting`); },
  }, async (c, batchId) => {
    const rec = byId.get(batchId)!;
    const r = await ingestBatchWith({
      db: c, api, batchId, signal: opts.signal, log,
      index: opts.index, maintenanceWorkMem: opts.maintenanceWorkMem, lockTimeoutMs: opts.lockTimeoutMs,
    });
    if (r.outcome === 'already_ingested') log(`${batchId}: ingested by another vecfill`);
    if (r.outcome !== 'ingested') return r;
    if (!opts.keepFiles) await deleteFiles(api, [...ownInput(rec), rec.outputFileId, rec.errorFileId], log);
    summary.batchesIngested++;
    summary.rowsUpdated += r.summary?.rowsUpdated ?? 0;
    const f = r.failures;
    log(`${batchId}: ingested, ${r.summary?.rowsUpdated ?? 0} rows updated` +
      (f.final + f.retryable + f.missing ? `; failed for good ${f.final}, to retry ${f.retryable}, missing ${f.missing}` : ''));
    return r;
  });
  const errors = poolErrors(outcomes);
  if (errors.length === 0) return;
  for (const o of outcomes) {
    if ('error' in o && o !== outcomes.find((x) => 'error' in x)) log(`${o.batchId}: rolled back: ${o.error instanceof Error ? o.error.message : String(o.error)}`);
    if ('notStarted' in o) log(`${o.batchId}: not started, left for the next run`);
  }
  throw errors[0].error;
}

/**
 * One turn's choice, under the target's lock, from the ledger as it is now (another process may have
 * written it while this one waited): with nothing in flight, prepare the rows that may be sent; then
 * submit the prepared files that fit. 'done': nothing in flight, nothing pending, nothing to send.
 */
async function chooseAndSubmit(db: Db, opts: RunOptions & { api: BatchApi }, st: RunState, names: LedgerTarget,
  filter: BatchFilter, queue: RequestQueue): Promise<'done' | 'submitted' | 'wait'> {
  const log = opts.log ?? (() => {});
  // Not yet ingested (or settled): in flight, or final and about to be ingested by someone.
  const pending = (await listBatches(db, filter)).filter((r) => r.ingestedAt === null);
  const inFlight = pending.filter((r) => isInFlight(r.status));
  if (queue.length > 0 && (await queue.stale(db, names))) {
    log(`another vecfill created batches for ${names.tableName}.${names.column} since these requests were prepared; preparing again`);
    await queue.drop();
  }
  if (queue.length === 0) {
    if (pending.length > 0) {
      waiting(st, log, inFlight, 0);
      return 'wait';
    }
    st.turn++;
    const dir = await queue.open(db);
    st.last = await prepareRequests({
      db, table: opts.table, idColumn: opts.idColumn, column: opts.column, textColumn: opts.textColumn, where: opts.where,
      model: opts.model, dimensions: opts.dimensions, encoding: opts.encoding, truncate: opts.truncate,
      maxRequests: opts.maxRequests, maxTokens: opts.maxEnqueuedTokens, out: dir, prefix: `${st.summary.runId}-${st.turn}`,
      maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, signal: opts.signal,
    });
    if (st.last.files.length === 0) return 'done';
    log(`prepared ${st.last.requests} requests in ${st.last.files.length} file${st.last.files.length === 1 ? '' : 's'} (~${st.last.tokens} tokens)`);
    queue.files = [...st.last.files];
  }
  const enqueued = inFlight.filter((r) => isEnqueued(r.status)).reduce((sum, r) => sum + r.estimatedTokens, 0);
  const files = queue.fitting(enqueued, opts.maxEnqueuedTokens ?? Infinity, inFlight.length === 0);
  if (files.length === 0) {
    waiting(st, log, inFlight, queue.length);
    return 'wait';
  }
  const waitingFiles = queue.length - files.length;
  log(`submitting ${files.reduce((k, f) => k + f.requests, 0)} requests in ${files.length} file${files.length === 1 ? '' : 's'} ` +
    `(~${files.reduce((k, f) => k + f.tokens, 0)} tokens)${waitingFiles ? `; ${waitingFiles} more wait for room under --max-enqueued-tokens` : ''}`);
  const sent = await submitFiles({
    db, api: opts.api, files: files.map((f) => f.path), runId: st.summary.runId, attempt: await nextAttempt(db, names), signal: opts.signal, log,
    onBatch: (b) => {
      st.summary.batchesSubmitted++;
      log(`${b.batchId}: created, ${b.requests} requests, ~${b.estimatedTokens} tokens`);
    },
  });
  await queue.shift(sent.batches.length);
  return 'submitted';
}

function waiting(st: RunState, log: (line: string) => void, inFlight: BatchRecord[], queued: number): void {
  const done = inFlight.reduce((sum, r) => sum + r.requestCompleted, 0);
  const total = inFlight.reduce((sum, r) => sum + r.requestTotal, 0);
  const line = `waiting: ${inFlight.length} batch${inFlight.length === 1 ? '' : 'es'} in flight, ${done}/${total} requests done` +
    (queued ? `; ${queued} file${queued === 1 ? '' : 's'} queued` : '');
  if (line !== st.lastWait) log(line);
  st.lastWait = line;
}

/** Rows the selection holds, and those with a vector. The user's --where is in it: one statement (the
 *  extended protocol), inside a READ ONLY transaction, whatever it says. */
async function countSelected(db: Db, target: Target, where: string | undefined): Promise<{ rows: number; filled: number }> {
  return withTransaction(db, async () => {
    const { rows: [c] } = await db.query<{ rows: number; filled: number }>(
      `SELECT count(*)::float8 AS rows, count(${target.column.sql})::float8 AS filled FROM ${target.sql} WHERE (\n${where?.trim() ? where : 'true'}\n)`);
    return c;
  }, 'BEGIN READ ONLY');
}

/** The attempt a new batch makes: one more than the most any retried row of the target has failed. */
async function nextAttempt(db: Db, names: LedgerTarget): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT coalesce(max(attempts), 0)::int + 1 AS n FROM vecfill.row_failures
     WHERE table_schema = $1 AND table_name = $2 AND column_name = $3 AND NOT final`,
    [names.tableSchema, names.tableName, names.column],
  );
  return rows[0].n;
}
