// vecfill run: the CLI face of runFill(): arguments → options, events → stderr, the outcome → stdout.
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_ATTEMPTS } from '../batch/retry.js';
import { run, type RunSummary } from '../batch/run.js';
import { batchJobs, commandApi, databaseUrl, dbHelp, positiveInt, REQUEST_OPTIONS, requestSelection, RETRY_OPTION, retryForHelp } from './options.js';

import { EXIT, isUsageError } from './exit.js';
import { UsageError } from '../errors.js';
import { count } from './format.js';
import { liveTableValues } from './ingest.js';
import { checkLiveTableOptions } from '../ingest/live-table.js';

export const RUN_HELP = `Usage: vecfill run --table NAME --text-column NAME [options]

The whole Batch API round trip for one table, until every selected row holds a vector or has
failed for good: prepare request files, submit them, poll the batches (progress on stderr),
ingest each batch as it finishes (expired and cancelled ones too: their partial output is paid
for), then prepare and submit the rows that may be tried again. Resumable: all state is in the
ledger (schema vecfill), so run it again after a kill and it polls the batches in flight instead
of resubmitting them, and never sends a row that is in flight or done.

Options:
${dbHelp(24)}  --table NAME          table to fill (required)
  --text-column NAME    column with the text to embed (required)
  --id-column NAME      row id, sent as custom_id (default: id)
  --column NAME         vector or halfvec column to fill (default: embedding)
  --where SQL           only rows where SQL holds (raw SQL, as in vecfill prepare)
  --model NAME          text-embedding-3-small (default), text-embedding-3-large,
                        text-embedding-ada-002
  --dimensions N        ask for N-dimensional vectors (text-embedding-3-* only)
  --encoding FORMAT     base64 (default) or float
  --poll-interval SECS  seconds between polls of the batches in flight (default: 60)
  --max-attempts N      a row that failed N times is not sent again (default: ${DEFAULT_MAX_ATTEMPTS})
  --max-requests N      requests per batch (default and maximum: 50000)
  --out DIR             keep the request files in DIR (default: removed once submitted)
  --max-enqueued-tokens N
                        keep the estimated tokens of the batches in flight under N (the
                        organization's enqueued-token limit): larger request files are
                        split, and files that would exceed it wait until batches finish
  --jobs N              ingest up to N finished batches at once, each on its own connection, in
                        its own transaction (default: 1); one that fails lets those under way
                        finish. N is 1 (and it says so) on the embedded database (pglite:,
                        one session) and with --index rebuild
  --index MODE          each batch's ingest: keep (default) or rebuild the column's HNSW and
                        IVFFlat indexes, as in vecfill ingest
  --maintenance-work-mem SIZE
                        with --index rebuild: maintenance_work_mem for the builds, e.g. 1GB
  --lock-timeout TIME   each batch's ingest waits at most TIME (500ms, 5s, 1m) for a lock the
                        application holds on a row, then fails with that batch rolled back
  --keep-files          keep the files uploaded to the API and the batches' output and error
                        files (default: deleted once the batch is final and ingested)
${retryForHelp('30m; also how long a lost database connection is waited for', 24)}  --json                print the summary as one JSON object
  -h, --help            this help

A row fails for good on an HTTP 4xx other than 429 (the reason is in vecfill.row_failures);
429s, 5xx, expired and cancelled requests are sent again, each attempt counted. A batch that
fails on the enqueued-token limit is sent again later without counting an attempt.

Environment: OPENAI_API_KEY (required); OPENAI_BASE_URL for an OpenAI-compatible server.

Exit codes: 0 every selected row holds a vector; 3 some rows have none (failed for good, out of
attempts, or blank text); 1 failed (run it again to continue); 2 usage error.
`;

export async function runCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...REQUEST_OPTIONS,
      'poll-interval': { type: 'string' },
      'max-attempts': { type: 'string' },
      'max-enqueued-tokens': { type: 'string' },
      'keep-files': { type: 'boolean' },
      jobs: { type: 'string' },
      index: { type: 'string' },
      'maintenance-work-mem': { type: 'string' },
      'lock-timeout': { type: 'string' },
      ...RETRY_OPTION,
    },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  const selection = requestSelection(values, positionals, 'the table whose vector column to fill', 'base64');
  const poll = values['poll-interval'] === undefined ? 60 : Number(values['poll-interval']);
  if (!Number.isFinite(poll) || poll < 0 || values['poll-interval']?.trim() === '') {
    throw new UsageError(`--poll-interval takes seconds (a number ≥ 0), not ${JSON.stringify(values['poll-interval'])}`);
  }
  const maxEnqueuedTokens = positiveInt(values['max-enqueued-tokens'], '--max-enqueued-tokens');
  const { commitEvery: _, ...live } = liveTableValues(values);
  checkLiveTableOptions(live);
  const db = databaseUrl(values.db);
  const jobs = batchJobs(values.jobs, db, 'run', live.index);
  const api = await commandApi('run', values['retry-for'], signal);
  const summary = await run({
    db, ...api,
    ...selection,
    pollInterval: poll,
    maxAttempts: positiveInt(values['max-attempts'], '--max-attempts'),
    maxEnqueuedTokens,
    keepFiles: values['keep-files'] ?? false,
    jobs,
    ...live,
  }).catch((err: Error & { code?: string; summary?: RunSummary }) => {
    if (isUsageError(err)) throw err;
    // Whatever was done before the failure is in the ledger and the table, and stays.
    const s = err.summary;
    const done = s ? `this run submitted ${count(s.batchesSubmitted)} batches and ingested ${count(s.batchesIngested)} (${count(s.rowsUpdated)} rows updated), ` : '';
    throw Object.assign(new Error(`${err.message}; ${done}all of it kept (vecfill status): run it again to continue`), { partial: true });
  });
  process.stdout.write(values.json ? JSON.stringify(summary) + '\n' : describe(summary));
  return summary.unfilled === 0 ? EXIT.ok : EXIT.partial;
}

function describe(s: RunSummary): string {
  const lines = [`${s.table}.${s.column}: ${count(s.filled)} of ${count(s.rows)} rows hold a vector ` +
    `(this run: ${count(s.batchesSubmitted)} batches submitted, ${count(s.batchesIngested)} ingested, ${count(s.rowsUpdated)} rows updated)`];
  if (s.unfilled) {
    const why = [
      [s.failedForGood, 'failed for good'], [s.outOfAttempts, 'out of attempts'], [s.emptyText, 'NULL or blank text'], [s.tooLong, 'too long'],
    ].filter(([k]) => k).map(([k, w]) => `${count(k as number)} ${w}`).join(', ');
    lines.push(`without a vector: ${count(s.unfilled)} rows${why ? ` (${why})` : ''}; reasons in vecfill.row_failures`);
  }
  return lines.join('\n') + '\n';
}
