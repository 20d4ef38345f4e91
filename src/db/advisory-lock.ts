// advisory-lock: a session-level PostgreSQL advisory lock that a process holds while it does something
// no second process may do at the same time. Taken with try-lock in a loop rather than a blocking
// pg_advisory_lock, so that an interrupt stops the wait at once; the holder is named while others
// wait (its pid and application_name, as pg_locks and pg_stat_activity tell). A lock dies with its
// session: a process killed mid-way never leaves one behind.
import type { Db } from './db.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockKey {
  /** Two int4 keys: a namespace and, hashed, the thing locked (see lockKey). */
  space: number;
  name: string;
}

export interface LockHolder {
  pid: number;
  applicationName: string | null;
}

export interface LockWaitOptions {
  /** Called once, when the lock is taken by someone else (null: PostgreSQL cannot say who). */
  onWait?: (holder: LockHolder | null) => void;
  signal?: AbortSignal;
  /** Between tries (default 250 ms). */
  pollMs?: number;
}

const KEY = '$1::int4, hashtext($2)';

/** Takes the lock, waiting while another session holds it. */
export async function advisoryLock(db: Db, key: LockKey, opts: LockWaitOptions = {}): Promise<void> {
  let told = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    const { rows } = await db.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, [key.space, key.name]);
    if (rows[0].ok) return;
    if (!told) {
      told = true;
      opts.onWait?.(await lockHolder(db, key));
    }
    await sleep(opts.pollMs ?? 250, undefined, { signal: opts.signal }).catch(() => opts.signal?.throwIfAborted());
  }
}

export async function advisoryUnlock(db: Db, key: LockKey): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock(${KEY})`, [key.space, key.name]);
}

/** Runs fn holding the lock; releases it after, if the session is still there to release it. */
export async function withAdvisoryLock<T>(db: Db, key: LockKey, opts: LockWaitOptions, fn: () => Promise<T>): Promise<T> {
  await advisoryLock(db, key, opts);
  try {
    return await fn();
  } finally {
    await advisoryUnlock(db, key).catch(() => {});
  }
}

/** Who holds the lock: pg_locks shows a two-key advisory lock as classid, objid with objsubid 2. */
export async function lockHolder(db: Db, key: LockKey): Promise<LockHolder | null> {
  const { rows } = await db.query<{ pid: number; app: string | null }>(
    `SELECT l.pid, a.application_name AS app
     FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = ($1::int4)::oid AND l.objid = (hashtext($2))::oid
     LIMIT 1`,
    [key.space, key.name],
  ).catch(() => ({ rows: [] as { pid: number; app: string | null }[] }));
  return rows[0] ? { pid: rows[0].pid, applicationName: rows[0].app || null } : null;
}
