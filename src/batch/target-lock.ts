// target-lock: one writer per target. submit, retry and run choose rows and create batches while they
// hold an advisory lock on the target (table and vector column, in the target's own database), so two
// of them at once (an overlapping cron job, a second terminal) never send the same rows: the second
// waits, then reads the ledger the first has written and leaves out every row in flight or done.
// Ingesting a batch takes a lock on the batch, so that of two processes ingesting it, one ingests and
// the other then finds it ingested (and never needs a file the first has deleted).
import type { Db } from '../db/db.js';
import { withAdvisoryLock, type LockHolder, type LockKey } from '../db/advisory-lock.js';
import type { LedgerTarget } from './ledger.js';

/** Namespaces of vecfill's advisory locks (the first of the two int4 keys): arbitrary, fixed. */
const TARGET_SPACE = 0x76660001;
const BATCH_SPACE = 0x76660002;

export function targetLockKey(t: Pick<LedgerTarget, 'tableSchema' | 'tableName' | 'column'>): LockKey {
  return { space: TARGET_SPACE, name: JSON.stringify([t.tableSchema, t.tableName, t.column]) };
}

export function batchLockKey(batchId: string): LockKey {
  return { space: BATCH_SPACE, name: batchId };
}

function holderText(holder: LockHolder | null): string {
  if (!holder) return 'another session';
  return `PostgreSQL backend pid ${holder.pid}${holder.applicationName ? ` (${holder.applicationName})` : ''}`;
}

export interface LockOptions {
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Runs fn as the one writer of the target, waiting (and saying so) while another holds it. */
export function withTargetLock<T>(db: Db, t: LedgerTarget, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const name = `${t.tableSchema}.${t.tableName}.${t.column}`;
  return withAdvisoryLock(db, targetLockKey(t), {
    signal: opts.signal,
    onWait: (holder) => opts.log?.(`another vecfill is choosing rows or creating batches for ${name}: ${holderText(holder)}; waiting for it, then going on from the ledger`),
  }, fn);
}

/** Runs fn as the one process ingesting the batch. */
export function withBatchLock<T>(db: Db, batchId: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  return withAdvisoryLock(db, batchLockKey(batchId), {
    signal: opts.signal,
    onWait: (holder) => opts.log?.(`${batchId}: being ingested by ${holderText(holder)}; waiting for it`),
  }, fn);
}
