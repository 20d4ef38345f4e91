// The gate every request passes before it is handled: it decides which requests fail on purpose and
// how (faults.ts). Three sources: the `flaky` rule (HTTP 500 before handling, so a retry is always
// safe), failures a test asks for with failNext (any status, before or after handling, a dropped
// connection, a cut download), and random faults drawn from a seed.
import { errorReply, retryAfter, type Fault, type RandomFaults } from './faults.js';

export interface FlakyRequest {
  method: string;
  /** Path without the query, like /v1/batches/batch_…. */
  path: string;
  /** 1-based count of every request the server received, retries and failures included. */
  index: number;
}

/** Which requests fail: these indexes, every n-th request, or those a predicate picks. */
export type FlakyRule = readonly number[] | { every: number } | ((request: FlakyRequest) => boolean);

/** How failNext fails a request. */
export interface FailHow {
  /** The HTTP status answered (default 500): e.g. 429, 400, 401, 404, 408, 409, 502. */
  status?: number;
  /** Sends `retry-after-ms` and `retry-after` (whole seconds, rounded up). Default: the server's
   *  `retryAfterMs` option, as `retry-after-ms` only. */
  retryAfterMs?: number;
  /** Handle the request first (its side effects happen: a batch is created, a file stored), then
   *  answer with the error ('reply') or destroy the connection without any answer ('drop'), as a
   *  timeout or a lost connection after the server acted looks to the client. Default: the error
   *  is answered before the request is handled. */
  after?: 'reply' | 'drop';
  /** Handle the request, send the status, the headers (content-length of the whole body) and about
   *  half the body, then destroy the connection: a download cut mid-stream. Only a successful reply
   *  is cut; an error reply goes out whole. */
  cut?: boolean;
}

export class FlakyGate {
  private injected: { remaining: number; match: (request: FlakyRequest) => boolean; fault: () => Fault }[] = [];

  constructor(
    private readonly rule: FlakyRule | undefined,
    /** `retry-after-ms` sent with the rule's 500s and failNext's errors (null: none). */
    private readonly retryAfterMs: number | null,
    private readonly random: RandomFaults | null,
  ) {}

  /** Fails the next `count` requests that `match` picks (all requests by default), as `how` says. */
  failNext(count: number, match: (request: FlakyRequest) => boolean = () => true, how: FailHow = {}): void {
    this.injected.push({ remaining: count, match, fault: () => this.faultOf(how) });
  }

  /** The fault for this request, or null to handle it as usual. */
  check(request: FlakyRequest): Fault | null {
    const random = this.random?.check(request) ?? null; // drawn for every request: see RandomFaults
    if (this.byRule(request)) return this.faultOf({});
    const pending = this.injected.find((i) => i.remaining > 0 && i.match(request));
    if (pending) {
      pending.remaining--;
      return pending.fault();
    }
    return random;
  }

  private faultOf(how: FailHow): Fault {
    if (how.cut) return { kind: 'cut' };
    if (how.after === 'drop') return { kind: 'drop' };
    const headers = how.retryAfterMs !== undefined ? retryAfter(how.retryAfterMs)
      : this.retryAfterMs === null ? null : { 'retry-after-ms': String(this.retryAfterMs) };
    return { kind: 'error', when: how.after === 'reply' ? 'after' : 'before', reply: errorReply(how.status ?? 500, headers) };
  }

  private byRule(request: FlakyRequest): boolean {
    const rule = this.rule;
    if (rule === undefined) return false;
    if (typeof rule === 'function') return rule(request);
    if (isIndexList(rule)) return rule.includes(request.index);
    return request.index % rule.every === 0;
  }
}

// Arrays have an `every` method too, so tell the two object forms apart by Array.isArray.
function isIndexList(rule: readonly number[] | { every: number }): rule is readonly number[] {
  return Array.isArray(rule);
}
