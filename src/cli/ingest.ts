// vecfill ingest: the CLI face of ingest(): arguments → options, the summary → stdout, exit code.
import { parseArgs } from 'node:util';
import { ingest, type IngestSummary } from '../ingest/ingest.js';
import type { IndexMode } from '../ingest/vector-indexes.js';
import type { StagingMode } from '../ingest/unlogged-staging.js';
import { terminalProgress } from './progress.js';
import { databaseUrl, dbHelp, parseDuration, positiveInt, RETRY_OPTION, retryForHelp } from './options.js';
import { EXIT } from './exit.js';
import { UsageError } from '../errors.js';
import { count, megabytes } from './format.js';

export const INGEST_HELP = `Usage: vecfill ingest [options] [FILE...]
       vecfill ingest --batch ID [--batch ID...] | --all-completed [options]

Applies OpenAI Batch API embedding output (JSON Lines) to a pgvector column, streamed,
in one transaction: every valid line is applied, or nothing is.
No FILE, or "-", reads stdin. Several files go into one transaction.

With --batch or --all-completed, reads each batch's output and error files straight from the
API (one transaction per batch; the target comes from the ledger), records each row that failed
in vecfill.row_failures (an HTTP 4xx other than 429 for good, anything else to retry), and marks
the batch ingested in the same transaction. Expired and cancelled batches are ingested too (their
partial output is paid for). A batch already ingested is skipped unless --force.

Options:
${dbHelp(22)}  --table NAME        target table, e.g. docs, app.docs, '"My Schema"."Docs"' (required for
                      files; with --batch/--all-completed see below)
  --id-column NAME    column matched against custom_id (default: id)
  --column NAME       vector or halfvec column to fill (default: embedding)
  --rejects FILE      write every line that set no row as JSON: line, custom_id, reason, raw
  --dry-run           read, validate and report everything; change nothing (files only)
  --batch ID          ingest this batch from the API (repeatable); with --table, also a
                      batch that is not in the ledger
  --all-completed     ingest every finished batch of the ledger not yet ingested
                      (completed, expired, cancelled; --table limits it to one table)
  --force             with --batch: ingest a batch again even if it was already ingested
  --jobs N            with --batch/--all-completed: ingest up to N batches at once, each on its
                      own connection, in its own transaction (default: 1); one that fails lets
                      those under way finish and starts no more. N is 1 (and it says so) on the
                      embedded database (pglite:, one session) and with --index rebuild
  --index MODE        the HNSW and IVFFlat indexes on the column (their cost is said on stderr):
                      keep (default): updated row by row, HNSW 4×–90× the ingest's time;
                      rebuild: dropped after BEGIN and built again before COMMIT, the same
                      definition (the table is locked against reads and writes until COMMIT)
  --maintenance-work-mem SIZE
                      with --index rebuild: maintenance_work_mem for the builds, e.g. 1GB
  --lock-timeout TIME wait at most TIME (500ms, 5s, 1m) for a lock the application holds on
                      a row, then fail with the table unchanged (default: wait)
  --commit-every ROWS commit every ROWS rows instead of once at the end (a live table: no row
                      stays locked for the whole ingest); a failure keeps what was committed
                      and says how much; the same input again applies the rest (files only)
  --staging MODE      where each segment's rows wait for their UPDATE (files only):
                      temp (default): temp tables of the ingest's connection, which COPYs a
                      segment and then UPDATEs from it, in turn;
                      unlogged: UNLOGGED tables in schema vecfill_staging that a second
                      connection fills while the ingest's one transaction applies the segment
                      before (two backends at once); dropped at the end. Needs CREATE on the
                      database; not on pglite: (one session), not with --commit-every (not
                      needed there)
${retryForHelp('2m; a download cut half-way rolls the batch back and starts over', 22)}  --json              print the summary as one JSON object
  --quiet             no progress on stderr
  -h, --help          this help

Environment (--batch, --all-completed): OPENAI_API_KEY (required); OPENAI_BASE_URL for an
OpenAI-compatible server.

Exit codes: 0 every line applied; 3 applied, but some lines were rejected or had
unknown ids (with --batch: some rows failed, or a batch failed as a whole); 1 failed and
nothing changed (with --batch: that batch's transaction; or a batch is not finished yet;
with --commit-every: nothing after the last committed group, whose rows it names);
2 usage error.
`;

export async function ingestCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      table: { type: 'string' },
      'id-column': { type: 'string' },
      column: { type: 'string' },
      rejects: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      batch: { type: 'string', multiple: true },
      'all-completed': { type: 'boolean' },
      force: { type: 'boolean' },
      index: { type: 'string' },
      'maintenance-work-mem': { type: 'string' },
      'lock-timeout': { type: 'string' },
      'commit-every': { type: 'string' },
      jobs: { type: 'string' },
      staging: { type: 'string' },
      ...RETRY_OPTION,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(INGEST_HELP);
    return EXIT.ok;
  }
  if (values.batch?.length || values['all-completed']) {
    if (values.staging !== undefined) throw new UsageError('--staging goes with files (each batch is ingested on its connection of the ledger)');
    const { ingestBatchesCommand } = await import('./ingest-batch.js'); // the OpenAI SDK only when needed
    return ingestBatchesCommand(values, positionals, signal);
  }
  if (values.force) throw new UsageError('--force goes with --batch (files are always ingested)');
  if (values['retry-for'] !== undefined) throw new UsageError('--retry-for goes with --batch/--all-completed (files make no API calls)');
  if (values.jobs !== undefined) throw new UsageError('--jobs goes with --batch/--all-completed (files are one transaction)');
  if (!values.table) throw new UsageError('--table is required (the table whose vector column to fill)');
  const db = databaseUrl(values.db);
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('stdin ("-") can be read only once');
  const progress = !values.quiet && process.stderr.isTTY ? terminalProgress() : undefined;
  let summary: IngestSummary;
  try {
    summary = await ingest({
      db,
      table: values.table,
      idColumn: values['id-column'],
      column: values.column,
      inputs: positionals,
      rejects: values.rejects,
      dryRun: values['dry-run'],
      ...liveTableValues(values),
      staging: values.staging as StagingMode | undefined, // checked by ingest(), as a library caller's is
      log: (line) => process.stderr.write(`vecfill ingest: ${line}\n`),
      onProgress: progress?.listener,
      signal,
    });
  } finally {
    progress?.done();
  }
  process.stdout.write(values.json ? JSON.stringify(summary) + '\n' : describe(summary, values.rejects));
  return summary.rejected > 0 ? EXIT.partial : EXIT.ok;
}

/** --index, --maintenance-work-mem, --lock-timeout and --commit-every, as ingest() takes them. */
export function liveTableValues(values: { index?: string; 'maintenance-work-mem'?: string; 'lock-timeout'?: string; 'commit-every'?: string }) {
  return {
    index: values.index as IndexMode | undefined, // checked by ingest(), as a library caller's is
    maintenanceWorkMem: values['maintenance-work-mem'],
    lockTimeoutMs: values['lock-timeout'] === undefined ? undefined : parseDuration(values['lock-timeout'], '--lock-timeout'),
    commitEvery: positiveInt(values['commit-every'], '--commit-every'),
  };
}

function describe(s: IngestSummary, rejectsFile: string | undefined): string {
  const verb = s.dryRun ? 'dry run: would update' : 'updated';
  const lines = [
    `${verb} ${count(s.rowsUpdated)} rows of ${s.table}.${s.column} from ${count(s.lines)} lines ` +
      `in ${s.seconds.toFixed(1)} s (${count(Math.round(s.rowsPerSecond))} rows/s, ${s.mbPerSecond.toFixed(1)} MB/s)`,
  ];
  if (s.rejected > 0) {
    const reasons = Object.entries(s.rejectedByReason).map(([k, v]) => `${k} ${count(v)}`).join(', ');
    const where = rejectsFile ? `see ${rejectsFile}` : 'rerun with --rejects FILE to see each line';
    lines.push(`rejected ${count(s.rejected)} lines (${reasons}); ${where}`);
  }
  lines.push(`duplicates ${count(s.duplicates)}, tokens ${count(s.tokens)}, ${megabytes(s.bytes)} MB read`);
  return lines.join('\n') + '\n';
}
