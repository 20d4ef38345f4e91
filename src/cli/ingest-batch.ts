// vecfill ingest --batch / --all-completed: batches straight from the API, one transaction each.
import { openDb } from '../db/open.js';
import { ingestBatch, type BatchIngestResult } from '../batch/ingest-batch.js';
import { ingestEach, poolErrors, poolFailure } from '../batch/ingest-pool.js';
import { isIngestable } from '../batch/states.js';
import { status } from '../batch/status.js';
import { terminalProgress } from './progress.js';
import { RejectsFile } from '../ingest/rejects-file.js';
import { batchJobs, commandApi, databaseUrl } from './options.js';
import { EXIT } from './exit.js';
import { UsageError } from '../errors.js';
import { count } from './format.js';
import { liveTableValues } from './ingest.js';
import { checkLiveTableOptions } from '../ingest/live-table.js';

export interface BatchIngestValues {
  db?: string;
  table?: string;
  'id-column'?: string;
  column?: string;
  rejects?: string;
  'dry-run'?: boolean;
  json?: boolean;
  quiet?: boolean;
  batch?: string[];
  'all-completed'?: boolean;
  force?: boolean;
  'retry-for'?: string;
  index?: string;
  'maintenance-work-mem'?: string;
  'lock-timeout'?: string;
  'commit-every'?: string;
  jobs?: string;
}

export async function ingestBatchesCommand(values: BatchIngestValues, positionals: string[], signal: AbortSignal): Promise<number> {
  if (positionals.length > 0) throw new UsageError('FILE arguments and --batch/--all-completed do not mix');
  if (values.batch?.length && values['all-completed']) throw new UsageError('--batch and --all-completed do not mix');
  if (values['dry-run']) throw new UsageError('--dry-run reads files; it does not go with --batch/--all-completed');
  if (values['commit-every'] !== undefined) {
    throw new UsageError('--commit-every reads files; a batch is ingested in one transaction with its ledger record');
  }
  const { commitEvery: _, ...live } = liveTableValues(values);
  checkLiveTableOptions(live); // a usage error before any batch, never one batch's failure
  const url = databaseUrl(values.db);
  const jobs = batchJobs(values.jobs, url, 'ingest', live.index);
  const api = await commandApi('ingest', values['retry-for'], signal);
  // Opened before the database: a rejects path that cannot be written fails before anything is ingested.
  const rejects = values.rejects ? await RejectsFile.open(values.rejects) : undefined;
  const db = await openDb(url, 'vecfill ingest').catch(async (err: unknown) => { await rejects?.discard(); throw err; });
  let ended = false;
  const results: BatchIngestResult[] = [];
  try {
    let ids = values.batch ?? [];
    if (values['all-completed']) {
      const { batches } = await status({ db, ...api, table: values.table });
      ids = batches.filter((b) => !b.ingested && isIngestable(b.status)).map((b) => b.batchId);
    }
    // One batch at a time redraws its progress in place; several say each one's start and end instead.
    const say = (line: string) => { if (!values.quiet) process.stderr.write(`vecfill ingest: ${line}\n`); };
    const outcomes = await ingestEach(ids, {
      jobs, db, signal,
      connect: () => openDb(url, 'vecfill ingest'),
      onStart: (batchId) => { if (jobs > 1) say(`${batchId}: ingesting`); },
      onEnd: (batchId, seconds, error) => { if (jobs > 1) say(`${batchId}: ${error ? 'failed, rolled back' : 'done'} after ${seconds.toFixed(1)} s`); },
    }, async (c, batchId) => {
      const progress = jobs === 1 && !values.quiet && process.stderr.isTTY ? terminalProgress() : undefined;
      try {
        const r = await ingestBatch({
          db: c, ...api, ...live, batchId, force: values.force, table: values.table, idColumn: values['id-column'], column: values.column,
          rejects: rejects?.stream, onProgress: progress?.listener,
          signal: rejects ? AbortSignal.any([signal, rejects.failed]) : signal, // a write error stops the batches under way
        });
        if (!values.json) process.stdout.write(describe(r));
        return r;
      } finally {
        progress?.done();
      }
    });
    for (const o of outcomes) if ('result' in o) results.push(o.result);
    // Each batch is its own transaction: the ones ingested stay, and the message says what became of each.
    const errors = poolErrors(outcomes);
    if (errors.length > 0) {
      if (values.json) {
        process.stdout.write(JSON.stringify({
          batches: results,
          failed: errors.map((e) => ({ batchId: e.batchId, error: e.error instanceof Error ? e.error.message : String(e.error) })),
          notStarted: outcomes.filter((o) => 'notStarted' in o).map((o) => o.batchId),
        }) + '\n');
      }
      throw poolFailure(outcomes, (r) => r.outcome === 'ingested', jobs);
    }
    ended = true;
  } finally {
    await db.close();
    // Each batch is its own transaction: the rejects of those ingested are put in place however the
    // command ends (a write error shows here if no batch was under way to stop).
    await rejects?.commit().catch((err) => { if (ended) throw err; });
  }
  if (values.json) process.stdout.write(JSON.stringify({ batches: results }) + '\n');
  else if (results.length === 0) process.stdout.write('no finished batch left to ingest\n');
  if (results.some((r) => r.outcome === 'not_finished')) return EXIT.failed;
  const failed = results.some((r) => r.outcome === 'batch_failed' || (r.summary?.rejected ?? 0) > 0 || r.failures.missing > 0);
  return failed ? EXIT.partial : EXIT.ok;
}

function describe(r: BatchIngestResult): string {
  switch (r.outcome) {
    case 'already_ingested':
      return `${r.batchId}: already ingested at ${r.ingestedAt}; --force ingests it again\n`;
    case 'not_finished':
      return `${r.batchId}: ${r.status}, not finished; nothing ingested (vecfill status shows where it is)\n`;
    case 'batch_failed':
      return `${r.batchId}: the batch failed as a whole; nothing to ingest, its rows can be submitted again (vecfill status shows why)\n`;
    case 'ingested': {
      const s = r.summary;
      const f = r.failures;
      const applied = s ? `updated ${count(s.rowsUpdated)} rows of ${s.table}.${s.column} from ${count(s.lines)} lines` : 'no output or error file';
      const failedRows = f.final + f.retryable + f.missing;
      const tail = failedRows ? `; rows without a vector: ${count(f.final)} failed for good, ${count(f.retryable)} to retry, ${count(f.missing)} missing` : '';
      return `${r.batchId} (${r.status}): ${applied}${tail}\n`;
    }
  }
}
