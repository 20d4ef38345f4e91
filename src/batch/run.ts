// run: the whole round trip for one target, resumable, with the ledger as its only state. Each turn:
// refresh the target's batches in flight, ingest each one that has finished (expired and cancelled
// ones too: their partial output is paid for), settle the ones that failed as a whole; while any is
// still in flight, wait and poll again; once none is, prepare what may be sent (rows never sent, and
// rows to retry that failed fewer than maxAttempts times) and submit it. It ends when nothing is in
// flight and nothing may be sent. Killed and run again, it picks up the batches in flight from the
// ledger (polled, never resubmitted), and prepare leaves out every row in flight or done; a batch
// created but killed before it was recorded is found again through its metadata (adopt.ts).
//
// With maxEnqueuedTokens, the request files are written no larger than that (in estimated tokens) and
// wait in a queue (in memory: killed, the next run prepares them again) until the batches in flight
// leave room. By default the files run uploaded are deleted once their batch is final, and the output
// and error files once their ingest has committed; a failed delete is logged, never fatal.
import type pg from 'pg';
import type OpenAI from 'openai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withClient } from '../db/connect.js';
import { sqlTemplate } from '../db/sql-files.js';
import { resolveTarget, type Target, type TargetSpec } from '../db/target.js';
import { adoptUnrecorded } from './adopt.js';
import { deleteFiles } from './delete-files.js';
import { ingestBatch } from './ingest-batch.js';
import { ensureLedger, isFinal, markIngested, type BatchRecord, type LedgerTarget } from './ledger.js';
import { prepare, type PrepareSummary } from './prepare.js';
import type { WrittenFile } from './request-files.js';
import { DEFAULT_MAX_ATTEMPTS } from './retry.js';
import { refreshBatches } from './status.js';
import { newRunId, submit } from './submit.js';
import { ledgerTarget } from './target-names.js';

export interface RunOptions extends TargetSpec {
  db: string | pg.ClientBase;
  client: OpenAI;
  textColumn: string;
  where?: string;
  model?: string;
  dimensions?: number;
  encoding?: 'base64' | 'float';
  truncate?: boolean;
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
  /** Progress and events, one line each (without newline). */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

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

/** Batch statuses that count against the enqueued-token limit. */
const ENQUEUED: ReadonlySet<string> = new Set(['validating', 'in_progress', 'finalizing']);

/** The input file of a batch vecfill uploaded (not one it only ingested: `vecfill ingest --batch --table`). */
function ownInput(rec: BatchRecord): string[] {
  return rec.runId === 'external' ? [] : [rec.inputFileId];
}

/** Consecutive turns whose every batch failed on the enqueued-token limit before run gives up. */
const TOKEN_LIMIT_TURNS = 3;

export async function runFill(opts: RunOptions): Promise<RunSummary> {
  return withClient(opts.db, (db) => loop(db, opts));
}

async function loop(db: pg.ClientBase, opts: RunOptions): Promise<RunSummary> {
  const log = opts.log ?? (() => {});
  const pollMs = (opts.pollInterval ?? 60) * 1000;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const abort = () => {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('interrupted');
  };
  await ensureLedger(db);
  const target = await resolveTarget(db, opts);
  const names = ledgerTarget(target);
  const filter = { target: { tableSchema: names.tableSchema, tableName: names.tableName, column: names.column } };
  const runId = newRunId();
  const summary: RunSummary = {
    runId, table: target.name, column: target.column.name, batchesSubmitted: 0, batchesIngested: 0, rowsUpdated: 0,
    rows: 0, filled: 0, unfilled: 0, failedForGood: 0, outOfAttempts: 0, emptyText: 0, tooLong: 0,
  };
  await adoptUnrecorded(db, opts.client, names, log);
  const seen = new Map<string, string>();
  let turn = 0;
  let tokenLimitTurns = 0;
  let last: PrepareSummary | undefined;
  let lastWait = '';
  const budget = opts.maxEnqueuedTokens ?? Infinity;
  let queue: WrittenFile[] = [];
  let queueDir: string | undefined;
  const dropQueueDir = async () => {
    if (queueDir !== undefined && opts.out === undefined) await rm(queueDir, { recursive: true, force: true }).catch(() => {});
    queueDir = undefined;
  };
  try {
    for (;;) {
      abort();
      const records = await refreshBatches(db, opts.client, filter);
      for (const rec of records) {
        if (seen.get(rec.batchId) !== rec.status && rec.ingestedAt === null) log(`${rec.batchId}: ${rec.status} (${rec.requestCompleted}/${rec.requestTotal} done, ${rec.requestFailed} failed)`);
        seen.set(rec.batchId, rec.status);
      }
      let tokenLimited = 0;
      let settled = 0;
      for (const rec of records.filter((r) => r.ingestedAt === null && isFinal(r.status))) {
        abort();
        settled++;
        if (rec.status === 'failed') {
          if (await settleFailed(db, target, names, rec, log)) tokenLimited++;
          if (!opts.keepFiles) await deleteFiles(opts.client, ownInput(rec), log);
          continue;
        }
        const r = await ingestBatch({ db, client: opts.client, batchId: rec.batchId, signal: opts.signal });
        if (r.outcome !== 'ingested') continue;
        if (!opts.keepFiles) await deleteFiles(opts.client, [...ownInput(rec), rec.outputFileId, rec.errorFileId], log);
        summary.batchesIngested++;
        summary.rowsUpdated += r.summary?.rowsUpdated ?? 0;
        const f = r.failures;
        log(`${rec.batchId}: ingested, ${r.summary?.rowsUpdated ?? 0} rows updated` +
          (f.final + f.retryable + f.missing ? `; failed for good ${f.final}, to retry ${f.retryable}, missing ${f.missing}` : ''));
      }
      if (settled > 0) tokenLimitTurns = tokenLimited === settled ? tokenLimitTurns + 1 : 0;
      if (tokenLimitTurns >= TOKEN_LIMIT_TURNS) {
        throw new Error(`every batch failed on the organization's enqueued-token limit, ${TOKEN_LIMIT_TURNS} times in a row, ` +
          'with nothing else of this table in flight; lower --max-requests to send smaller batches');
      }
      const inFlight = records.filter((r) => !isFinal(r.status));
      // The queue was full: give it a poll interval before those rows go again.
      if (tokenLimited > 0 && inFlight.length === 0) await sleep(pollMs, undefined, { signal: opts.signal }).catch(() => abort());

      if (queue.length === 0 && inFlight.length === 0) {
        turn++;
        await dropQueueDir();
        queueDir = opts.out ?? (await mkdtemp(join(tmpdir(), 'vecfill-run-')));
        last = await prepare({
          db, table: opts.table, idColumn: opts.idColumn, column: opts.column, textColumn: opts.textColumn, where: opts.where,
          model: opts.model, dimensions: opts.dimensions, encoding: opts.encoding, truncate: opts.truncate,
          maxRequests: opts.maxRequests, maxTokens: opts.maxEnqueuedTokens, out: queueDir, prefix: `${runId}-${turn}`, maxAttempts,
          signal: opts.signal,
        });
        if (last.files.length === 0) break;
        log(`prepared ${last.requests} requests in ${last.files.length} file${last.files.length === 1 ? '' : 's'} (~${last.tokens} tokens)`);
        queue = [...last.files];
      }

      if (queue.length > 0) {
        // Files go in order while they fit beside the batches in flight; with nothing in flight the
        // first always goes (a single request larger than the limit cannot be made smaller).
        const enqueued = inFlight.filter((r) => ENQUEUED.has(r.status)).reduce((sum, r) => sum + r.estimatedTokens, 0);
        let take = 0;
        let tokens = enqueued;
        while (take < queue.length && (tokens + queue[take].tokens <= budget || (take === 0 && inFlight.length === 0))) tokens += queue[take++].tokens;
        if (take > 0) {
          const files = queue.slice(0, take);
          const waiting = queue.length - take;
          log(`submitting ${files.reduce((k, f) => k + f.requests, 0)} requests in ${files.length} file${files.length === 1 ? '' : 's'} ` +
            `(~${files.reduce((k, f) => k + f.tokens, 0)} tokens)${waiting ? `; ${waiting} more wait for room under --max-enqueued-tokens` : ''}`);
          const attempt = await nextAttempt(db, names);
          const sent = await submit({
            db, client: opts.client, files: files.map((f) => f.path), runId, attempt, signal: opts.signal,
            onBatch: (b) => log(`${b.batchId}: created, ${b.requests} requests, ~${b.estimatedTokens} tokens`),
          });
          summary.batchesSubmitted += sent.batches.length;
          queue = queue.slice(take);
          if (queue.length === 0) await dropQueueDir();
          continue;
        }
      }

      const done = inFlight.reduce((sum, r) => sum + r.requestCompleted, 0);
      const total = inFlight.reduce((sum, r) => sum + r.requestTotal, 0);
      const line = `waiting: ${inFlight.length} batch${inFlight.length === 1 ? '' : 'es'} in flight, ${done}/${total} requests done` +
        (queue.length ? `; ${queue.length} file${queue.length === 1 ? '' : 's'} queued` : '');
      if (line !== lastWait) log(line);
      lastWait = line;
      await sleep(pollMs, undefined, { signal: opts.signal }).catch(() => abort());
    }
  } finally {
    await dropQueueDir();
  }

  const where = opts.where?.trim() ? opts.where : 'true';
  const { rows: [c] } = await db.query<{ rows: number; filled: number }>(
    `SELECT count(*)::float8 AS rows, count(${target.column.sql})::float8 AS filled FROM ${target.sql} WHERE (\n${where}\n)`,
  );
  Object.assign(summary, {
    rows: c.rows, filled: c.filled, unfilled: c.rows - c.filled,
    failedForGood: last?.failedForGood ?? 0, outOfAttempts: last?.outOfAttempts ?? 0,
    emptyText: last?.emptyText.count ?? 0, tooLong: last?.tooLong.count ?? 0,
  });
  return summary;
}

/** A batch that failed as a whole carried no output. On the enqueued-token limit its rows go again
 *  later without counting an attempt; any other failure counts one for each of its rows. Either way
 *  the batch is marked ingested (settled). Returns whether it was the token limit. */
async function settleFailed(db: pg.ClientBase, target: Target, names: LedgerTarget, rec: BatchRecord, log: (l: string) => void): Promise<boolean> {
  const errors = Array.isArray(rec.errors) ? (rec.errors as { code?: string; message?: string }[]) : [];
  const tokenLimit = errors.some((e) => e.code === 'token_limit_exceeded');
  const code = errors[0]?.code ?? 'batch_failed';
  const reason = `batch ${rec.batchId} failed: ${errors.map((e) => e.message ?? e.code).join('; ') || 'no reason given'}`;
  await db.query('BEGIN');
  try {
    if (!tokenLimit) {
      await db.query(sqlTemplate('record-batch-failed.sql', {
        table: target.sql, id: target.idColumn.sql, column: target.column.sql, idtype: target.idColumn.codec.sqlType,
      }), [names.tableSchema, names.tableName, names.column, rec.batchId, `batch_${code}`, reason]);
    }
    await markIngested(db, rec.batchId, { rowsUpdated: 0, tokens: 0 });
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => {});
    throw err;
  }
  log(`${rec.batchId}: failed (${tokenLimit ? 'enqueued-token limit; its rows go again, no attempt counted' : reason})`);
  return tokenLimit;
}

/** The attempt a new batch makes: one more than the most any retried row of the target has failed. */
async function nextAttempt(db: pg.ClientBase, names: LedgerTarget): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT coalesce(max(attempts), 0)::int + 1 AS n FROM vecfill.row_failures
     WHERE table_schema = $1 AND table_name = $2 AND column_name = $3 AND NOT final`,
    [names.tableSchema, names.tableName, names.column],
  );
  return rows[0].n;
}
