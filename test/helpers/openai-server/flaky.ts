// Injected HTTP 500s, answered before the request is handled (so a retry is always safe), to
// prove that the client lets the SDK retry transient failures.
import { ApiError, type Reply } from './http.js';

export interface FlakyRequest {
  method: string;
  /** Path without the query, like /v1/batches/batch_…. */
  path: string;
  /** 1-based count of every request the server received, retries and failures included. */
  index: number;
}

/** Which requests fail: these indexes, every n-th request, or those a predicate picks. */
export type FlakyRule = readonly number[] | { every: number } | ((request: FlakyRequest) => boolean);

export class FlakyGate {
  private injected: { remaining: number; match: (request: FlakyRequest) => boolean }[] = [];

  constructor(
    private readonly rule: FlakyRule | undefined,
    private readonly retryAfterMs: number | null,
  ) {}

  /** Fails the next `count` requests that `match` picks (all requests by default). */
  failNext(count: number, match: (request: FlakyRequest) => boolean = () => true): void {
    this.injected.push({ remaining: count, match });
  }

  /** The 500 to answer with, or null to handle the request. */
  check(request: FlakyRequest): Reply | null {
    if (!this.byRule(request) && !this.byInjection(request)) return null;
    const error = new ApiError(500, 'The server had an error processing your request. Sorry about that! (injected by the test server)', 'server_error');
    return error.reply(this.retryAfterMs === null ? undefined : { 'retry-after-ms': String(this.retryAfterMs) });
  }

  private byRule(request: FlakyRequest): boolean {
    const rule = this.rule;
    if (rule === undefined) return false;
    if (typeof rule === 'function') return rule(request);
    if (isIndexList(rule)) return rule.includes(request.index);
    return request.index % rule.every === 0;
  }

  private byInjection(request: FlakyRequest): boolean {
    const pending = this.injected.find((i) => i.remaining > 0 && i.match(request));
    if (!pending) return false;
    pending.remaining--;
    return true;
  }
}

// Arrays have an `every` method too, so tell the two object forms apart by Array.isArray.
function isIndexList(rule: readonly number[] | { every: number }): rule is readonly number[] {
  return Array.isArray(rule);
}
