// ingest: the wiring of the data path. Resolve the target (before reading any input), open the
// transaction and the COPY, stage every input into it, then apply: ANALYZE, dedup, UPDATE, unknown ids,
// COMMIT (ROLLBACK for a dry run). Nothing here parses or encodes: each stage lives in its own file.
import type pg from 'pg';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { beginCopy, dedup, unknownIds, update } from '../db/apply.js';
import { connect } from '../db/connect.js';
import { resolveTarget, type TargetSpec } from '../db/target.js';
import type { ProgressListener } from './progress.js';
import { Rejects } from './rejects.js';
import { fileSource, type InputSource } from './sources.js';
import { stage } from './stage.js';

export interface IngestOptions extends TargetSpec {
  /** A connection string, or a connected client (left open; it must not be inside a transaction). */
  db: string | pg.ClientBase;
  /** Paths ("-" is stdin) or sources; all go into one transaction. Default: stdin. */
  inputs?: (string | InputSource)[];
  /** Where reject records go: a path or a stream (left open). */
  rejects?: string | Writable;
  dryRun?: boolean;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

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
  tokens: number;
  bytes: number;
  seconds: number;
  /** Seconds per phase: where an ingest spends its time (copy includes reading and parsing). */
  phases: Record<'copy' | 'analyze' | 'dedup' | 'update' | 'unknownIds' | 'commit', number>;
  rowsPerSecond: number;
  mbPerSecond: number;
}

export async function ingest(opts: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const sources = await Promise.all((opts.inputs?.length ? opts.inputs : ['-']).map((s) => (typeof s === 'string' ? fileSource(s) : s)));
  const client = typeof opts.db === 'string' ? await connect(opts.db) : opts.db;
  const ownClient = typeof opts.db === 'string';
  const rejectsOut = typeof opts.rejects === 'string' ? createWriteStream(opts.rejects) : opts.rejects ?? null;
  const rejects = new Rejects(rejectsOut);
  let abort: (() => void) | undefined;
  const phases = { copy: 0, analyze: 0, dedup: 0, update: 0, unknownIds: 0, commit: 0 };
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const s = (now - mark) / 1000;
    mark = now;
    return s;
  };
  try {
    const target = await resolveTarget(client, opts);
    const copy = await beginCopy(client, target);
    if (opts.signal) {
      abort = () => copy.destroy(new Error('interrupted'));
      opts.signal.addEventListener('abort', abort, { once: true });
    }
    const staged = await stage(sources, copy, { target, rejects, onProgress: opts.onProgress, signal: opts.signal });
    phases.copy = lap();
    await client.query('ANALYZE pg_temp.vecfill_in');
    phases.analyze = lap();
    const duplicates = await dedup(client, target, staged.duplicates);
    phases.dedup = lap();
    const applied = staged.staged - duplicates;
    const rowsUpdated = await update(client, target, opts.dryRun ?? false);
    phases.update = lap();
    let unknown = 0;
    if (rowsUpdated !== applied) {
      unknown = await unknownIds(client, target, ({ ord, id }) => {
        const file = sources.length > 1 ? sources[Math.floor(ord / 2 ** 32)].name : undefined;
        rejects.add({ file, line: ord % 2 ** 32, custom_id: id, code: 'unknown_id',
          reason: `unknown id: no row of ${target.name} has ${target.idColumn.name} = ${id}` });
      });
    }
    phases.unknownIds = lap();
    if (opts.signal?.aborted) throw new Error('interrupted');
    await client.query(opts.dryRun ? 'ROLLBACK' : 'COMMIT');
    phases.commit = lap();
    const seconds = (performance.now() - started) / 1000;
    return {
      table: target.name,
      column: target.column.name,
      dims: staged.dims,
      dryRun: opts.dryRun ?? false,
      lines: staged.lines,
      rowsUpdated,
      rejected: rejects.count,
      rejectedByReason: rejects.byCode,
      unknownIds: unknown,
      duplicates,
      tokens: staged.tokens,
      bytes: staged.bytes,
      seconds,
      phases,
      rowsPerSecond: rowsUpdated / seconds,
      mbPerSecond: staged.bytes / 1024 / 1024 / seconds,
    };
  } catch (err) {
    // ROLLBACK if the connection still takes it; if not, the server rolls back when it closes.
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    if (abort) opts.signal?.removeEventListener('abort', abort);
    if (ownClient) await (client as pg.Client).end().catch(() => {});
    if (typeof opts.rejects === 'string') await rejects.close().catch(() => {});
  }
}
