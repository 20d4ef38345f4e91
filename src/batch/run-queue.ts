// run-queue: the request files a run has prepared and not yet submitted. With --max-enqueued-tokens
// they wait here until the batches in flight leave room. They are chosen and submitted under the
// target's lock, but may wait across many polls without it: if another process created batches for
// the target in between, the files may carry rows that are now in flight, so they are dropped and the
// rows chosen again. The queue lives in memory only: killed, the next run prepares those rows again.
import type { Db } from '../db/db.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerTarget } from './ledger.js';
import type { WrittenFile } from './request-files.js';

export class RequestQueue {
  files: WrittenFile[] = [];
  private dir: string | undefined;
  /** The database's clock when the files' rows were chosen. */
  private chosenAt: Date | undefined;

  /** out: keep the files there (default: a temporary directory, removed once they are submitted). */
  constructor(private readonly out: string | undefined, private readonly runId: string) {}

  get length(): number {
    return this.files.length;
  }

  /** A directory for a new round of files; call under the target's lock, just before choosing rows. */
  async open(db: Db): Promise<string> {
    await this.drop();
    this.chosenAt = (await db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
    this.dir = this.out ?? (await mkdtemp(join(tmpdir(), 'vecfill-run-')));
    return this.dir;
  }

  /** Whether a batch of another run was created for the target since the files' rows were chosen. */
  async stale(db: Db, names: LedgerTarget): Promise<boolean> {
    if (this.files.length === 0 || this.chosenAt === undefined) return false;
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM vecfill.batches
       WHERE table_schema = $1 AND table_name = $2 AND column_name = $3 AND run_id <> $4 AND created_at >= $5`,
      [names.tableSchema, names.tableName, names.column, this.runId, this.chosenAt],
    );
    return rows[0].n > 0;
  }

  /** The first files that fit beside `enqueued` tokens in flight under `budget`; with nothing in flight
   *  the first always goes (a single request larger than the budget cannot be made smaller). */
  fitting(enqueued: number, budget: number, nothingInFlight: boolean): WrittenFile[] {
    let take = 0;
    let tokens = enqueued;
    while (take < this.files.length && (tokens + this.files[take].tokens <= budget || (take === 0 && nothingInFlight))) tokens += this.files[take++].tokens;
    return this.files.slice(0, take);
  }

  /** These files were submitted. */
  async shift(count: number): Promise<void> {
    this.files = this.files.slice(count);
    if (this.files.length === 0) await this.drop();
  }

  /** Forgets the files (removing them unless they were asked to be kept). */
  async drop(): Promise<void> {
    this.files = [];
    if (this.dir !== undefined && this.out === undefined) await rm(this.dir, { recursive: true, force: true }).catch(() => {});
    this.dir = undefined;
  }
}
