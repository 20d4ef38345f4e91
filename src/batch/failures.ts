// failures: the rejects of a batch's ingest, sorted per row into failed for good (an HTTP 4xx other
// than 429: the same request would fail again) and worth another attempt (429, 5xx, never executed:
// batch_expired, batch_cancelled, or an output line that could not be applied). Lines that name no row
// of the target (unknown or invalid ids, no custom_id) are counted, not recorded.
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

/** Each row's failure, from the reject records of a batch's ingest (a later record for the same row wins). */
export class FailureCollector {
  readonly rows = new Map<string, RowFailure>();

  add(record: RejectRecord): void {
    const failure = classify(record);
    if (failure) this.rows.set(record.custom_id!, failure);
  }

  counts(): { final: number; retryable: number } {
    let final = 0;
    for (const f of this.rows.values()) if (f.final) final++;
    return { final, retryable: this.rows.size - final };
  }
}
