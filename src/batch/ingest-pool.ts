// ingest-pool: up to `jobs` finished batches ingested at once. Each job has a connection of its own
// (a batch's ingest is one transaction, and a connection holds one transaction at a time); the first
// job uses the caller's. PostgreSQL runs each backend on one core, so N jobs keep up to N cores of the
// server busy with COPY and UPDATE, until WAL and disk are the limit.
//
// A batch that fails stops the pool from starting more; the ones in flight go on and commit or roll
// back on their own (on abort, all of them roll back), and each batch's fate is reported: ingested,
// failed, or not started. With one job it is the plain loop: one batch after another, stopping at the
// first failure.
import type { Db } from '../db/db.js';

/** What became of one batch. */
export type PoolOutcome<T> =
  | { batchId: string; result: T }
  | { batchId: string; error: unknown }
  /** Not started: an earlier batch failed, or the caller aborted. */
  | { batchId: string; notStarted: true };

export interface PoolOptions {
  /** Batches at once (≥ 1). */
  jobs: number;
  /** The first job's connection (left open). */
  db: Db;
  /** Opens another job's connection (closed once the job has no batch left). */
  connect(): Promise<Db>;
  signal?: AbortSignal;
  /** Said as a batch starts and as it ends (ok, or its error). */
  onStart?(batchId: string): void;
  onEnd?(batchId: string, seconds: number, error?: unknown): void;
}

/** Runs `ingest` on each batch, up to opts.jobs at once; resolves once none is in flight, with the
 *  outcomes in the order of `batchIds`. */
export async function ingestEach<T>(batchIds: string[], opts: PoolOptions, ingest: (db: Db, batchId: string) => Promise<T>): Promise<PoolOutcome<T>[]> {
  const outcomes = new Map<string, PoolOutcome<T>>();
  let next = 0;
  let failed = false;
  const job = async (first: boolean) => {
    let db: Db | undefined = first ? opts.db : undefined;
    try {
      while (!failed && !opts.signal?.aborted && next < batchIds.length) {
        const batchId = batchIds[next++];
        const start = performance.now();
        opts.onStart?.(batchId);
        try {
          db ??= await opts.connect();
          outcomes.set(batchId, { batchId, result: await ingest(db, batchId) });
          opts.onEnd?.(batchId, (performance.now() - start) / 1000);
        } catch (error) {
          failed = true;
          outcomes.set(batchId, { batchId, error });
          opts.onEnd?.(batchId, (performance.now() - start) / 1000, error);
        }
      }
    } finally {
      if (!first) await db?.close().catch(() => {});
    }
  };
  const jobs = Math.max(1, Math.min(opts.jobs, batchIds.length));
  await Promise.all(Array.from({ length: jobs }, (_, k) => job(k === 0)));
  return batchIds.map((batchId) => outcomes.get(batchId) ?? { batchId, notStarted: true });
}

/** The outcomes' errors, first one first. */
export function poolErrors<T>(outcomes: PoolOutcome<T>[]): { batchId: string; error: unknown }[] {
  return outcomes.filter((o): o is { batchId: string; error: unknown } => 'error' in o);
}

/** Says what became of every batch once one failed: the first error's message, then the rest. */
export function poolFailure<T>(outcomes: PoolOutcome<T>[], ingested: (o: T) => boolean, jobs: number): Error {
  const errors = poolErrors(outcomes);
  const [first] = errors;
  const message = first.error instanceof Error ? first.error.message : String(first.error);
  const kept = outcomes.filter((o) => 'result' in o && ingested(o.result)).map((o) => o.batchId);
  const others = errors.slice(1).map((e) => `${e.batchId} (${e.error instanceof Error ? e.error.message : String(e.error)})`);
  const notStarted = outcomes.filter((o) => 'notStarted' in o).map((o) => o.batchId);
  const parts = [`batch ${first.batchId} was rolled back`];
  if (others.length) parts.push(`so were ${others.join('; ')}`);
  if (kept.length) parts.push(`the ${kept.length} ingested ${jobs > 1 ? 'before or beside' : 'before'} it (${kept.join(', ')}) are kept`);
  if (notStarted.length) parts.push(`${notStarted.length} not started (${notStarted.join(', ')})`);
  // Nothing kept and nothing else failed: the batch's own error says it all (nothing was changed).
  const err = first.error instanceof Error && kept.length === 0 && others.length === 0
    ? first.error
    : new Error(`${message}; ${parts.join(', ')}: run it again for the rest`);
  return kept.length ? Object.assign(err, { partial: true }) : err;
}
