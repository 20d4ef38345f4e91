// live-table: ingesting into a table the application is using. One transaction holds a row lock on
// every row it updates until COMMIT, and the ingest queues behind the application's own locks for as
// long as they are held. lock_timeout bounds that wait; commitEvery trades the one transaction for
// several, each holding its rows' locks only until its own COMMIT. Both are settings of the ingest's
// transactions (SET LOCAL), so nothing outlives the ingest.
import type { Target } from '../db/target.js';
import { UsageError } from '../errors.js';
import type { Statement } from './apply.js';

export interface LiveTableOptions {
  lockTimeoutMs?: number;
  commitEvery?: number;
  dryRun?: boolean;
  index?: string;
  maintenanceWorkMem?: string;
}

/** The combinations that cannot work, refused before anything is opened. */
export function checkLiveTableOptions(opts: LiveTableOptions): void {
  if (opts.index !== undefined && opts.index !== 'keep' && opts.index !== 'rebuild') {
    throw new UsageError(`--index is keep or rebuild, not ${JSON.stringify(opts.index)}`);
  }
  if (opts.maintenanceWorkMem !== undefined) {
    if (opts.index !== 'rebuild') throw new UsageError('--maintenance-work-mem is for the index builds of --index rebuild');
    // PostgreSQL's own memory units; checked here so that a typo is a usage error, not a failed ingest.
    if (!/^\d+\s*(kB|MB|GB|TB)?$/.test(opts.maintenanceWorkMem)) {
      throw new UsageError(`--maintenance-work-mem takes a size such as 512MB or 1GB, not ${JSON.stringify(opts.maintenanceWorkMem)}`);
    }
  }
  if (opts.lockTimeoutMs !== undefined && !(opts.lockTimeoutMs >= 1)) {
    throw new UsageError('--lock-timeout is at least 1ms (0 would wait for ever)');
  }
  if (opts.commitEvery === undefined) return;
  if (!Number.isInteger(opts.commitEvery) || opts.commitEvery < 1) throw new UsageError('--commit-every takes a whole number of rows ≥ 1');
  if (opts.dryRun) throw new UsageError('--commit-every commits; a dry run commits nothing (use one or the other)');
  if (opts.index === 'rebuild') {
    throw new UsageError('--commit-every and --index rebuild do not mix: a rebuild needs the whole ingest in one transaction');
  }
}

/** What each transaction of the ingest starts with. */
export function liveTableSetup(opts: LiveTableOptions): Statement[] {
  if (opts.lockTimeoutMs === undefined) return [];
  return [{ text: "SELECT set_config('lock_timeout', $1, true)", params: [`${Math.ceil(opts.lockTimeoutMs)}ms`] }];
}

/** SQLSTATE 55P03: a lock not granted within lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

/** The error an ingest fails with: a lock timeout says whose lock and which option, and rows already
 *  committed (commitEvery) are counted, so the message never claims that nothing changed. */
export function liveTableFailure(err: unknown, target: Target | undefined, opts: LiveTableOptions, committedRows: number): unknown {
  let out = err;
  if (target && (err as { code?: unknown })?.code === LOCK_NOT_AVAILABLE && opts.lockTimeoutMs !== undefined) {
    out = Object.assign(new Error(`waited ${opts.lockTimeoutMs} ms (--lock-timeout) for a lock on ${target.name} that another ` +
      'session holds, and gave up; try again when it is quieter, or with a longer --lock-timeout'), { code: LOCK_NOT_AVAILABLE });
  }
  if (committedRows === 0 || !target) return out;
  const message = out instanceof Error ? out.message : String(out);
  return Object.assign(new Error(`${message}; ${committedRows} rows of ${target.name} were committed before it (--commit-every): ` +
    'run the same input again to apply the rest (applying a line twice sets the same vector)'), { partial: true, committedRows });
}
