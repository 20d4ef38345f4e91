// failures: the rejects of a batch's ingest, sorted per row into failed for good (an HTTP 4xx other
// than 429: the same request would fail again) and worth another attempt (429, 5xx, never executed:
// batch_expired, batch_cancelled, or an output line that could not be applied). Lines that name no row
// of the target (unknown or invalid ids, no custom_id) are counted, not recorded.
import { Writable } from 'node:stream';
import type { RejectRecord } from '../ingest/rejects.js';

export interface RowFailure {
  code: string;
  reason: string;
  final: boolean;
}

const NOT_A_ROW = new Set(['unknown_id', 'invalid_id', 'missing_custom_id']);

export function classify(r: RejectRecord): RowFailure | undefined {
  if (r.custom_id === undefined || NOT_A_ROW.has(r.code)) return undefined;
  if (r.code === 'http_error') {
    const status = Number(/^HTTP (\d{3})\b/.exec(r.reason)?.[1] ?? 0);
    const final = status >= 400 && status < 500 && status !== 429;
    return { code: status ? `http_${status}` : 'http_error', reason: r.reason, final };
  }
  return { code: r.code, reason: r.reason, final: false };
}

/** A rejects sink (one JSON record per write, as ingest's Rejects writes them) that keeps each row's
 *  failure (a later line for the same row wins) and passes every record on to `tee`, if given. */
export class FailureCollector extends Writable {
  readonly rows = new Map<string, RowFailure>();

  constructor(private readonly tee?: Writable) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    for (const line of chunk.toString().split('\n')) {
      if (line === '') continue;
      const record = JSON.parse(line) as RejectRecord;
      const failure = classify(record);
      if (failure) this.rows.set(record.custom_id!, failure);
    }
    if (!this.tee || chunk.length === 0 || this.tee.write(chunk)) done();
    else this.tee.once('drain', () => done());
  }

  /** Resolves once every record written so far has been read (a slow tee can hold some back). */
  flushed(): Promise<void> {
    return new Promise((resolve, reject) => this.write('', (err) => (err ? reject(err) : resolve())));
  }

  counts(): { final: number; retryable: number } {
    let final = 0;
    for (const f of this.rows.values()) if (f.final) final++;
    return { final, retryable: this.rows.size - final };
  }
}
