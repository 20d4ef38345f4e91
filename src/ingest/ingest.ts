// ingest: the wiring of the data path. Resolve the target (before reading any input), open the
// transaction, stage every input into segmented COPYs that the Applier applies as they complete, then
// COMMIT (ROLLBACK for a dry run). Nothing here parses, encodes or writes SQL: each stage has its file.
import type { Writable } from 'node:stream';
import type { Db } from '../db/db.js';
import { useDb, type DbInput } from '../db/open.js';
import { isConnectionLost } from '../db/postgres.js';
import { resolveTarget, type Target, type TargetSpec } from '../db/target.js';
import { UsageError } from '../errors.js';
import { Applier } from './apply.js';
import { DuplicateFilter } from './duplicates.js';
import type { ProgressListener } from './progress.js';
import { Rejects, type RejectRecord } from './rejects.js';
import { toSource, type IngestInput, type InputSource } from './sources.js';
import { SEGMENT_BYTES } from './segment-plan.js';
import { stage } from './stage.js';
import { checkLiveTableOptions, liveTableFailure, liveTableSetup } from './live-table.js';
import { VectorIndexes, type IndexMode, type VectorIndex } from './vector-indexes.js';
import { checkStagingOptions, UnloggedStaging, type StagingMode } from './unlogged-staging.js';

/** What ingest() and createIngestStream() take. */
export interface IngestOptions extends TargetSpec {
  /** A connection string, a connected pg client (left open; it must not be inside a transaction),
   *  or a Db. */
  db: DbInput;
  /** Paths ("-" is stdin), Readables or async iterables of bytes; all go into one transaction.
   *  Default: stdin. */
  inputs?: IngestInput[];
  /** Where reject records go, one JSON object per line: a path, or a stream (left open). A path is
   *  never one of the inputs (UsageError); it is written beside and renamed into place once the ingest
   *  has ended well. */
  rejects?: string | Writable;
  /** Called with each reject record as it comes (as well as `rejects`). */
  onReject?: (record: RejectRecord) => void;
  /** Read, validate and count everything; change nothing. */
  dryRun?: boolean;
  onProgress?: ProgressListener;
  /** Stops the ingest: the table is left as it was, and the ingest rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The HNSW and IVFFlat indexes on the column: 'keep' (default) lets PostgreSQL update them row by
   *  row as the rows are written (HNSW: about 4× the ingest's time); 'rebuild' drops them right after
   *  BEGIN and creates them again, with the same definition, before COMMIT: one build from the
   *  finished column, but the table is locked against reads and writes until COMMIT. A failure
   *  leaves them as they were. Not with commitEvery. */
  index?: IndexMode;
  /** maintenance_work_mem for the builds of `index: 'rebuild'`, e.g. '1GB' (this transaction only;
   *  an HNSW build that fits in it is several times faster). */
  maintenanceWorkMem?: string;
  /** How long, in ms, a statement of the ingest waits for a lock another session holds (a row the
   *  application is updating) before the ingest fails and changes nothing: lock_timeout, for the
   *  ingest's transaction only. Default: the session's setting (usually no limit). */
  lockTimeoutMs?: number;
  /** Commit every this many rows instead of once at the end, so that no row stays locked for the
   *  whole ingest (a live table). A failure keeps the rows committed before it (the error says how
   *  many, and has `partial: true`); the same input applied again sets the same vectors. Not with
   *  dryRun or `index: 'rebuild'`. Ids repeated across commits are counted in each. */
  commitEvery?: number;
  /** Where each segment's rows wait for their UPDATE. 'temp' (default): temp tables of the ingest's
   *  own connection, which COPYs a segment and UPDATEs from it in turn. 'unlogged': UNLOGGED tables in
   *  the schema vecfill_staging, which a second connection (same URL) fills while the ingest's one
   *  transaction applies the segment before, so two backends work at once; the tables are dropped
   *  when the ingest ends (a crashed run's, by the next such ingest). Needs `db` as a connection
   *  string to a server and the CREATE privilege on the database (or on that schema); not with
   *  commitEvery. The result is the same either way. */
  staging?: StagingMode;
  /** Called with lines for the user before the ingest starts: each vector index on the column, and
   *  what it will cost. */
  log?: (line: string) => void;
}

/** What other vecfill modules (and tests) pass besides: kept out of the public type. */
export interface IngestInternals {
  /** COPY data per segment (default 16 MiB); small values only make sense in tests. */
  segmentBytes?: number;
  /** Runs in the ingest's transaction once every row is applied, just before COMMIT (never on a dry
   *  run), so a caller's own bookkeeping commits or rolls back with the rows (the batch ledger). */
  beforeCommit?: (client: Db, done: { rowsUpdated: number; rejected: number; tokens: number }) => Promise<void>;
}

/** What an ingest did. */
export interface IngestSummary {
  table: string;
  column: string;
  dims: number | null;
  dryRun: boolean;
  /** Non-blank input lines. */
  lines: number;
  /** Target rows updated (dry run: that would be). */
  rowsUpdated: number;
  /** Lines that set no row: bad lines, plus unknown ids. */
  rejected: number;
  rejectedByReason: Record<string, number>;
  unknownIds: number;
  /** Lines whose custom_id a later line repeated (the later one was applied). */
  duplicates: number;
  /** The HNSW and IVFFlat indexes on the column, and what the ingest did with them. */
  vectorIndexes: VectorIndex[];
  tokens: number;
  bytes: number;
  seconds: number;
  /** Seconds: reading, parsing and COPY (the database applying earlier segments alongside); the
   *  database work left when the input ended; building the vector indexes again (`index: 'rebuild'`);
   *  COMMIT. */
  phases: { stage: number; apply: number; index: number; commit: number };
  rowsPerSecond: number;
  mbPerSecond: number;
}

/**
 * Applies Batch API embedding output to a vector column, streamed, in one transaction: every valid
 * line is applied, or nothing is. Resolves with the summary once COMMIT is done.
 */
export function ingest(opts: IngestOptions): Promise<IngestSummary> {
  return ingestWith(opts);
}

/** ingest(), with the knobs of IngestInternals. */
export async function ingestWith(opts: IngestOptions & IngestInternals): Promise<IngestSummary> {
  const started = performance.now();
  opts.signal?.throwIfAborted();
  checkLiveTableOptions(opts);
  checkStagingOptions(opts);
  const sources = await Promise.all((opts.inputs?.length ? opts.inputs : ['-']).map(toSource));
  // Before anything is opened for writing: a rejects path that is one of the inputs is refused here.
  const rejects = typeof opts.rejects === 'string'
    ? await Rejects.toFile(opts.rejects, sources, opts.onReject)
    : new Rejects(opts.rejects ?? null, undefined, opts.onReject);
  let summary: IngestSummary;
  try {
    summary = await useDb(opts.db, async (client) => {
      let staging: UnloggedStaging | undefined;
      try {
        const target = await resolveTarget(client, opts);
        const indexes = await VectorIndexes.find(client, target, opts.dryRun ? 'keep' : opts.index ?? 'keep');
        for (const line of indexes.describe(target)) opts.log?.(line);
        if (opts.staging === 'unlogged') staging = await UnloggedStaging.open(opts.db as string, client, opts.log);
        return await applyAll(client, staging, target, indexes, sources, rejects, opts, started);
      } catch (err) {
        // ROLLBACK if the connection still takes it; if not, the server rolls back when it closes.
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        await staging?.close(client); // after COMMIT or ROLLBACK: the transaction's locks are gone
      }
    });
  } catch (err) {
    await rejects.discard(); // nothing was applied: an older rejects file stays as it was
    throw err;
  }
  try {
    await rejects.commit();
  } catch (err) {
    // After COMMIT (a rename that failed, which is rare): the rows are in, and the message says so.
    throw Object.assign(new Error(`the rows are applied, but ${(err as Error).message}`), { partial: true });
  }
  return summary;
}

async function applyAll(client: Db, staging: UnloggedStaging | undefined, target: Target, indexes: VectorIndexes, sources: InputSource[], rejects: Rejects,
  opts: IngestOptions & IngestInternals, started: number): Promise<IngestSummary> {
  // Without an index on the id column, every segment's UPDATE would scan the whole target: then one
  // segment, one scan, as the plain single UPDATE does.
  const segmentBytes = opts.segmentBytes ?? (target.idColumn.indexed ? SEGMENT_BYTES : Infinity);
  const duplicates = new DuplicateFilter();
  const dryRun = opts.dryRun ?? false;
  const applier = new Applier(client, target, {
    dryRun,
    duplicates,
    bufferBytes: Math.min(segmentBytes, SEGMENT_BYTES),
    setup: [...liveTableSetup(opts), ...indexes.before(opts.maintenanceWorkMem)],
    commitEvery: opts.commitEvery,
    tables: staging,
    onUnknown: ({ ord, id }) => rejects.add({
      file: sources.length > 1 ? sources[Math.floor(ord / 2 ** 32)].name : undefined,
      line: ord % 2 ** 32,
      custom_id: id,
      code: 'unknown_id',
      reason: `unknown id: no row of ${target.name} has ${target.idColumn.name} = ${id}`,
    }),
  });
  // The caller's reason stops the COPY under way (a CopyFail carries its message); the ingest rejects
  // with the reason itself.
  const abort = () => applier.abort(asError(opts.signal!.reason));
  opts.signal?.addEventListener('abort', abort, { once: true });
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const seconds = (now - mark) / 1000;
    mark = now;
    return seconds;
  };
  try {
    opts.signal?.throwIfAborted();
    await applier.begin();
    const staged = await stage(sources, applier, {
      target, rejects, duplicates, segmentBytes, segmentRows: opts.commitEvery, onProgress: opts.onProgress, signal: opts.signal,
    });
    const stageSeconds = lap();
    const applied = await applier.finish();
    const applySeconds = lap();
    for (const definition of indexes.after()) await client.query(definition);
    const indexSeconds = lap();
    await rejects.finish(); // every record on disk: a rejects file that cannot be written fails the run here
    opts.signal?.throwIfAborted();
    if (!dryRun) await opts.beforeCommit?.(client, { rowsUpdated: applied.rowsUpdated, rejected: rejects.count, tokens: staged.tokens });
    opts.signal?.throwIfAborted();
    await client.query(dryRun ? 'ROLLBACK' : 'COMMIT');
    const seconds = (performance.now() - started) / 1000;
    return {
      table: target.name,
      column: target.column.name,
      dims: staged.dims,
      dryRun,
      lines: staged.lines,
      rowsUpdated: applied.rowsUpdated,
      rejected: rejects.count,
      rejectedByReason: rejects.byCode,
      unknownIds: applied.unknownIds,
      duplicates: applied.duplicates,
      vectorIndexes: indexes.list,
      tokens: staged.tokens,
      bytes: staged.bytes,
      seconds,
      phases: { stage: stageSeconds, apply: applySeconds, index: indexSeconds, commit: lap() },
      rowsPerSecond: applied.rowsUpdated / seconds,
      mbPerSecond: staged.bytes / 1024 / 1024 / seconds,
    };
  } catch (err) {
    // An input that failed leaves a COPY open: end it (CopyFail) and let the queue drain, so the
    // ROLLBACK that follows is not stuck behind it. The first statement that failed says why; the
    // ones queued after it only say "aborted".
    applier.abort(asError(err));
    await applier.settle();
    // Whatever failed on the way (the COPY it stopped, a statement behind it), an abort is the cause.
    const cause = opts.signal?.aborted ? opts.signal.reason : lostConnection(applier.failure ?? err);
    throw liveTableFailure(cause, target, opts, applier.committedRows);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
}

/** A connection that died without the server saying why (the socket's own error) is named as such. */
function lostConnection(err: unknown): unknown {
  if (!isConnectionLost(err) || typeof (err as { severity?: unknown }).severity === 'string') return err;
  const e = err as Error & { code?: string };
  return Object.assign(new Error(`lost the connection to the database (${e.message})`), { code: e.code });
}

/** An abort's reason may be anything; the COPY and the Applier take Errors. */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : 'aborted');
}
