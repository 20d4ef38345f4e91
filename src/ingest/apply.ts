// apply: the last stage of an ingest, the one that drives the database, in one transaction (or, with
// commitEvery, one per group of segments: live-table.ts). Rows arrive in segments (~16 MiB of COPY
// data each); each segment is COPYed into its own temp table, ANALYZEd, freed of duplicate ids, and
// applied with one UPDATE … FROM. The statements of a segment are queued on the connection without
// waiting, so PostgreSQL runs segment k's UPDATE while JavaScript parses segment k+1: parsing hides
// behind the database's own work instead of adding to it. Where the segments' tables live, and which
// connection fills them, is the SegmentTables' choice: temp tables on the ingest's own connection
// (below), or UNLOGGED tables that a second connection fills while this one runs the UPDATEs
// (unlogged-staging.ts); the statements are the same. Any error before COMMIT, or a dropped
// connection, leaves the target as it was.
import { Readable, type Writable } from 'node:stream';
import split2 from 'split2';
import type { Db, QueryResult } from '../db/db.js';
import { isConnectionLost } from '../db/postgres.js';
import { sqlTemplate } from '../db/sql-files.js';
import type { Target } from '../db/target.js';
import { EMPTY_COPY } from './copy-binary.js';
import type { DuplicateFilter } from './duplicates.js';
import { tempTables, type SegmentTables } from './segment-tables.js';

/** An error the server sent (it has a severity and a SQLSTATE), rather than one of the client's. */
function isServerError(err: Error): boolean {
  return typeof (err as { severity?: unknown }).severity === 'string';
}

export interface UnknownId {
  ord: number;
  id: string;
}

export interface ApplyOptions {
  dryRun: boolean;
  duplicates: DuplicateFilter;
  onUnknown: (u: UnknownId) => void;
  /** How much COPY data the next segment may buffer while the database applies the previous one. */
  bufferBytes: number;
  /** Statements run after each BEGIN (lock_timeout; the vector indexes' DROP). */
  setup?: Statement[];
  /** Commit once the segments applied since the last COMMIT reach this many rows (commit-every.ts). */
  commitEvery?: number;
  /** Where the segments' tables live (default: temp tables of the ingest's connection). */
  tables?: SegmentTables;
}

/** Statements run one after another on one connection; tail is the last one queued. */
interface Lane {
  db: Db;
  tail: Promise<unknown>;
}

export interface Statement {
  text: string;
  params?: unknown[];
}

export interface ApplyResult {
  rowsUpdated: number;
  unknownIds: number;
  duplicates: number;
}

export class Applier {
  private segments: string[] = [];
  /** The segments of the transaction under way (all of them, unless commitEvery). */
  private open: string[] = [];
  /** Those of them in which fewer rows matched than were staged. */
  private withUnknown: string[] = [];
  /** Rows staged, and the segments' work, since the last COMMIT (commitEvery). */
  private groupRows = 0;
  private groupWork: Promise<unknown>[] = [];
  /** Rows updated by the transactions committed so far (commitEvery). */
  committedRows = 0;
  private copy: Writable | null = null;
  /** The ingest's connection (BEGIN, UPDATE, COMMIT), and the one that fills the segments' tables:
   *  the same lane unless the tables have a connection of their own. */
  private readonly applyLane: Lane;
  private readonly stageLane: Lane;
  private readonly tables: SegmentTables;
  private readonly work: Promise<unknown>[] = [];
  /** The first error of any queued statement: the cause, where later ones only say "aborted". */
  failure: Error | undefined;
  /** Aborted with that first error: writers waiting on a COPY that will never start wake on it. */
  private readonly failedController = new AbortController();
  readonly failed = this.failedController.signal;
  private readonly result: ApplyResult = { rowsUpdated: 0, unknownIds: 0, duplicates: 0 };

  constructor(private readonly db: Db, private readonly target: Target, private readonly opts: ApplyOptions) {
    this.tables = opts.tables ?? tempTables(db);
    this.applyLane = { db, tail: Promise.resolve() };
    this.stageLane = this.tables.db === db ? this.applyLane : { db: this.tables.db, tail: Promise.resolve() };
  }

  async begin(): Promise<void> {
    // (temp_buffers was measured at 8 MB and 256 MB: no difference beyond noise, so the session's
    // setting is left alone; bench/README.md.)
    await this.db.query(this.tables.begin);
    await this.setup();
    this.stream(); // the first COPY opens before any input is read: a slow input holds no surprise
  }

  /** What each transaction of the ingest starts with. */
  private async setup(): Promise<void> {
    for (const s of this.opts.setup ?? []) await this.db.query(s.text, s.params);
    if (this.target.idColumn.indexed) {
      // A segment holds a few thousand rows of a target that may hold millions: the planner's hash join
      // reads the whole target once per segment (measured at 100k rows: 39 full scans), where the
      // index finds each row directly. Only this transaction is affected.
      await this.db.query('SET LOCAL enable_hashjoin = off');
      await this.db.query('SET LOCAL enable_mergejoin = off');
    }
  }

  /** The current segment's COPY stream. It is created at once, so rows can be written into its buffer
   *  while the previous segment's statements run, and started on the connection when their turn comes. */
  stream(): Writable {
    if (!this.copy) {
      const name = this.tables.name(this.segments.length + 1);
      this.segments.push(name);
      this.open.push(name);
      this.queue(this.tables.create(name, `id ${this.target.idColumn.codec.sqlType}, ord int8, v vector`), undefined, this.stageLane);
      const copyIn = this.tables.db.copyFrom(`COPY ${name} (id, ord, v) FROM STDIN (FORMAT binary)`, { highWaterMark: this.opts.bufferBytes });
      const copy = copyIn.stream;
      copy.on('error', (err) => this.fail(err));
      this.run(() => copyIn.send(), this.stageLane);
      this.copy = copy;
    }
    return this.copy;
  }

  /** Ends the current segment's COPY and queues its statements; returns at once. */
  endSegment(rows: number): void {
    const copy = this.copy;
    if (!copy) return;
    this.copy = null;
    if (rows === 0) {
      copy.end(EMPTY_COPY); // an input without one valid line: a COPY of no rows, and nothing to apply
      return;
    }
    copy.end();
    const name = this.segments[this.segments.length - 1];
    this.queue(`ANALYZE ${name} (id)`, undefined, this.stageLane); // the join key is all the planner needs; skipping v skips reading it
    const dedup = this.dedup(name);
    // The segment's table is ready once its lane got this far (at once, when it is the same lane).
    const staged = this.stageLane.tail;
    const update = this.run(async () => {
      await staged;
      if (this.failure) throw this.failure;
      return this.db.query(this.updateSql(name));
    }).then((res) => (this.opts.dryRun ? Number(res.rows[0].n) : res.rowCount));
    const counted = this.track(Promise.all([dedup, update]).then(([dropped, updated]) => {
      this.result.duplicates += dropped;
      this.result.rowsUpdated += updated;
      if (updated < rows - dropped) this.withUnknown.push(name);
    }));
    if (this.opts.commitEvery === undefined) return;
    this.groupWork.push(counted);
    this.groupRows += rows;
    if (this.groupRows >= this.opts.commitEvery) this.commitGroup();
  }

  /** Queues the COMMIT of the segments applied so far and a fresh transaction for the next ones. */
  private commitGroup(): void {
    const work = this.groupWork;
    // The group's segments, taken now: by the time the COMMIT runs, the next segment has been opened
    // (its table is created after the COMMIT, in the next transaction).
    const segments = this.open;
    this.groupWork = [];
    this.groupRows = 0;
    this.open = [];
    this.run(async () => {
      await Promise.all(work); // the counts of the group's segments are in
      await this.settleSegments(segments);
      await this.db.query('COMMIT');
      this.committedRows = this.result.rowsUpdated;
      await this.db.query(this.tables.begin);
      await this.setup();
    });
  }

  /** The counts that need every segment of the transaction (temp tables end with it): ids repeated
   *  across segments, and unknown ids. */
  private async settleSegments(segments: string[]): Promise<void> {
    if (this.opts.duplicates.any && segments.length > 1) {
      const { duplicates, rowsTwice } = await this.crossSegmentDuplicates(segments);
      this.result.duplicates += duplicates;
      this.result.rowsUpdated -= rowsTwice;
    }
    // Unknown ids are read at the end: only then is it known which line of a repeated id is its last.
    if (this.withUnknown.length > 0) this.result.unknownIds += await this.unknownIds(this.withUnknown);
    this.withUnknown = [];
  }

  /** Waits for every queued statement, settles duplicates across segments, and returns the counts. */
  async finish(): Promise<ApplyResult> {
    await Promise.allSettled(this.work);
    if (this.failure) throw this.failure;
    await this.settleSegments(this.open);
    return this.result;
  }

  /** Waits until every queued statement has ended, however. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.work);
  }

  /** Stops the current COPY (a CopyFail: the transaction is then aborted, nothing applied). */
  abort(reason: Error): void {
    this.fail(reason);
    this.copy?.destroy(reason);
    // A statement under way (an UPDATE of a large segment, or one waiting on a row lock) would hold
    // the ROLLBACK, and an interrupt, until it ends on its own: cancel it.
    this.db.cancel();
    if (this.stageLane !== this.applyLane) this.stageLane.db.cancel();
  }

  private fail(err: Error): void {
    // When the connection dies, the socket's own error (EPIPE, "not queryable") can come before the
    // server's reason ("terminating connection due to administrator command"): the server's wins.
    if (this.failure && !(isServerError(err) && !isServerError(this.failure) && isConnectionLost(this.failure))) return;
    this.failure = err;
    this.failedController.abort(err);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    p.catch((err: Error) => this.fail(err));
    this.work.push(p);
    return p;
  }

  /** Queues fn behind every statement queued so far on the lane; once anything failed, nothing more runs. */
  private run<T>(fn: () => Promise<T>, lane = this.applyLane): Promise<T> {
    const p = lane.tail.then(() => {
      if (this.failure) throw this.failure;
      return fn();
    });
    lane.tail = p.catch(() => {});
    return this.track(p);
  }

  private queue(text: string, params?: unknown[], lane = this.applyLane): Promise<QueryResult<Record<string, any>>> {
    return this.run(() => lane.db.query(text, params), lane);
  }

  private suspectFilter(): { filter: string; params: unknown[] } {
    const suspects = this.opts.duplicates.suspects;
    if (!suspects) return { filter: '', params: [] };
    return { filter: `WHERE id = ANY($1::text[]::${this.target.idColumn.codec.sqlType}[])`, params: [[...suspects]] };
  }

  /** Drops the earlier rows of ids repeated inside the segment (the later line wins). */
  private async dedup(name: string): Promise<number> {
    if (!this.opts.duplicates.any) return 0;
    const { filter, params } = this.suspectFilter();
    const res = await this.queue(sqlTemplate('dedup.sql', { segment: name, filter }), params, this.stageLane);
    return res.rowCount;
  }

  /** The one statement that touches the target (a dry run counts the rows it would update). */
  private updateSql(name: string): string {
    const { sql, idColumn, column } = this.target;
    if (this.opts.dryRun) return `SELECT count(*)::int8 AS n FROM ${sql} AS d JOIN ${name} AS t ON d.${idColumn.sql} = t.id`;
    const cast = column.kind === 'halfvec' ? '::halfvec' : '';
    return `UPDATE ${sql} AS d SET ${column.sql} = t.v${cast} FROM ${name} AS t WHERE d.${idColumn.sql} = t.id`;
  }

  /** Streams the ids of these segments that match no row of the target, in input order, to onUnknown. */
  private async unknownIds(segments: string[]): Promise<number> {
    const union = segments.map((s) => `SELECT id, ord FROM ${s}`).join(' UNION ALL ');
    const query = sqlTemplate('unknown-ids.sql', { segments: union, target: this.target.sql, id: this.target.idColumn.sql });
    let count = 0;
    // Text COPY output, one "ord<TAB>hex id" per line: not the hot path, so split2 reads it.
    const lines = Readable.from(this.db.copyTo(query), { objectMode: false }).pipe(split2());
    for await (const line of lines as AsyncIterable<string>) {
      const tab = line.indexOf('\t');
      count++;
      this.opts.onUnknown({ ord: Number(line.slice(0, tab)), id: Buffer.from(line.slice(tab + 1), 'hex').toString('utf8') });
    }
    return count;
  }

  private async crossSegmentDuplicates(segments: string[]): Promise<{ duplicates: number; rowsTwice: number }> {
    const { filter, params } = this.suspectFilter();
    const union = segments.map((s) => `SELECT id FROM ${s} ${filter}`).join(' UNION ALL ');
    const text = sqlTemplate('cross-segment-duplicates.sql', { segments: union, target: this.target.sql, id: this.target.idColumn.sql });
    const { rows: [r] } = await this.db.query(text, params);
    return { duplicates: Number(r.duplicates), rowsTwice: Number(r.rows_twice) };
  }
}
