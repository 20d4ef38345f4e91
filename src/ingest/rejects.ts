// rejects: every input line that set no row, as one JSON object per line and to the caller's callback,
// and the counts by reason. It is the only other way out of the data path (DESIGN.md): nothing is
// dropped silently.
import type { Writable } from 'node:stream';
import { RejectsError } from '../errors.js';
import { once } from 'node:events';
import { RejectsFile } from './rejects-file.js';
import type { InputSource } from './sources.js';

/** An input line that set no row: where it is, its custom_id, a stable code and a reason. */
export interface RejectRecord {
  /** The input's name, when several were read. */
  file?: string;
  /** 1-based line number in its input. */
  line?: number;
  custom_id?: string;
  /** malformed_json, http_error, dimension_mismatch, unknown_id, … (README: Rejects). */
  code: string;
  reason: string;
  /** The line, cut to 1 KiB (none for unknown_id). */
  raw?: string;
}

const RAW_LIMIT = 1024;

export class Rejects {
  readonly byCode: Record<string, number> = {};
  count = 0;
  /** A write error of the sink (a full disk): the ingest fails rather than lose records. */
  private error: Error | undefined;

  /** out: the sink (null: none); file: when out is a RejectsFile's stream, that file; onRecord: the
   *  caller's callback, called with each record as it comes. */
  constructor(private readonly out: Writable | null, private readonly file?: RejectsFile,
    private readonly onRecord?: (record: RejectRecord) => void) {
    out?.on('error', (err) => (this.error ??= new RejectsError(`cannot write the rejects: ${err.message}`)));
  }

  /** The rejects file at path, opened before anything else happens, so a path that cannot work (one
   *  of the inputs, a directory, no permission) fails the run at once. */
  static async toFile(path: string, inputs: readonly InputSource[], onRecord?: (record: RejectRecord) => void): Promise<Rejects> {
    const file = await RejectsFile.open(path, inputs);
    return new Rejects(file.stream, file, onRecord);
  }

  add(record: RejectRecord): void {
    this.count++;
    this.byCode[record.code] = (this.byCode[record.code] ?? 0) + 1;
    this.out?.write(JSON.stringify(record) + '\n');
    this.onRecord?.(record);
  }

  /** Waits for the sink to take what was written, so a flood of rejects cannot fill memory. */
  async drained(): Promise<void> {
    this.check();
    // Not a flag set when write() answered false: the 'drain' may have come and gone since then.
    if (!this.out?.writableNeedDrain) return;
    const done = new AbortController();
    try {
      // 'close' too: a sink destroyed without an error never drains.
      await Promise.race([once(this.out, 'drain', { signal: done.signal }), once(this.out, 'close', { signal: done.signal })]);
    } catch (err) {
      this.error ??= new RejectsError(`cannot write the rejects: ${(err as Error).message}`);
    } finally {
      done.abort();
    }
    if (this.out.destroyed) this.error ??= new RejectsError('cannot write the rejects: the stream was closed');
    this.check();
  }

  /** Before COMMIT: every record is written (a file's, on disk), or the error that kept one out. */
  async finish(): Promise<void> {
    await this.drained();
    await this.file?.finish();
  }

  /** The ingest ended well: a rejects file is put in place. */
  async commit(): Promise<void> {
    await this.file?.commit();
  }

  /** The ingest failed: a rejects file is dropped, an older one left as it was. */
  async discard(): Promise<void> {
    await this.file?.discard();
  }

  private check(): void {
    const error = this.error ?? this.file?.error;
    if (error) throw error;
  }
}

/** The raw line for a reject record, cut to a size that keeps the file readable. */
export function rawLine(b: Buffer, start: number, end: number): string {
  if (end - start <= RAW_LIMIT) return b.toString('utf8', start, end);
  return `${b.toString('utf8', start, start + RAW_LIMIT)}… (${end - start} bytes)`;
}
