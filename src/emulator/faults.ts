// Faults the server injects on purpose, so a client's retries can be proven against what a real API
// and a real network do: error statuses (before the request is handled, or after it was, when a
// retry would repeat its side effect), connections dropped without an answer, and downloads cut
// half-way. Random faults are drawn from a seed, one draw per request in arrival order, so the same
// requests fail on every run.
import { ApiError, type Reply } from './http.js';
import { seededRandom } from './random.js';

/** What happens to one request instead of, or after, its normal answer. */
export type Fault =
  /** Answer with this error: before the request is handled (nothing happened), or after it was. */
  | { kind: 'error'; when: 'before' | 'after'; reply: Reply }
  /** Handle the request, then destroy the connection without any answer. */
  | { kind: 'drop' }
  /** Handle the request, send the headers and about half the body, then destroy the connection (a
   *  successful reply only: an error goes out whole). */
  | { kind: 'cut' };

/** Random faults (OpenAIServerOptions.faults). */
export interface RandomFaultOptions {
  /** Seeds which calls fail (default: the server's seed). */
  seed?: number;
  /** Share (0..1) of API requests answered with an error before they are handled: half HTTP 500
   *  (server_error), half HTTP 429 (rate_limit_exceeded) with Retry-After. */
  rate?: number;
  /** Retry-After sent with those 429s: `retry-after-ms` in ms (default 20) and `retry-after` in
   *  whole seconds, rounded up. */
  retryAfterMs?: number;
  /** Share (0..1) of file content downloads (GET /v1/files/:id/content) cut half-way. */
  cutDownloads?: number;
}

/** How many faults the server injected, by kind (every source: options.flaky, failNext, faults). */
export interface FaultCounts {
  errors500: number;
  errors429: number;
  cutDownloads: number;
  /** Requests handled, then dropped without an answer. */
  dropped: number;
}

const DOWNLOAD = /^\/v1\/files\/[^/]+\/content$/;

export function isDownload(request: { method: string; path: string }): boolean {
  return request.method === 'GET' && DOWNLOAD.test(request.path);
}

export class RandomFaults {
  private readonly rate: number;
  private readonly cutShare: number;
  private readonly retryAfterMs: number;
  private readonly errorDraw: () => number;
  private readonly cutDraw: () => number;

  constructor(options: RandomFaultOptions, serverSeed: number) {
    this.rate = share(options.rate ?? 0, 'faults.rate');
    this.cutShare = share(options.cutDownloads ?? 0, 'faults.cutDownloads');
    this.retryAfterMs = options.retryAfterMs ?? 20;
    const seed = options.seed ?? serverSeed;
    // Two streams: whether downloads are cut does not shift which requests get errors.
    this.errorDraw = seededRandom(`faults:errors:${seed}`);
    this.cutDraw = seededRandom(`faults:cuts:${seed}`);
  }

  /** The fault for this request, if the draws pick one. Draws for every request, so the pattern
   *  depends only on the order of the requests. */
  check(request: { method: string; path: string }): Fault | null {
    const e = this.errorDraw();
    const c = isDownload(request) ? this.cutDraw() : 1;
    if (e < this.rate / 2) return { kind: 'error', when: 'before', reply: errorReply(500, null) };
    if (e < this.rate) return { kind: 'error', when: 'before', reply: errorReply(429, retryAfter(this.retryAfterMs)) };
    if (c < this.cutShare) return { kind: 'cut' };
    return null;
  }
}

/** Both retry headers: `retry-after-ms`, and `retry-after` in whole seconds rounded up. */
export function retryAfter(ms: number): Record<string, string> {
  return { 'retry-after-ms': String(ms), 'retry-after': String(Math.ceil(ms / 1000)) };
}

const INJECTED = '(injected by the vecfill emulator)';

/** An error in OpenAI's shape for an injected status. */
export function errorReply(status: number, headers: Record<string, string> | null): Reply {
  const error = status === 429
    ? new ApiError(429, `Rate limit reached for requests. Please try again later. ${INJECTED}`, 'requests', null, 'rate_limit_exceeded')
    : status === 500
      ? new ApiError(500, `The server had an error processing your request. Sorry about that! ${INJECTED}`, 'server_error')
      : status === 401
        ? new ApiError(401, `Incorrect API key provided. ${INJECTED}`, 'invalid_request_error', null, 'invalid_api_key')
        : new ApiError(status, `${MESSAGES[status] ?? `HTTP ${status}`} ${INJECTED}`, status >= 500 ? 'server_error' : 'invalid_request_error');
  return error.reply(headers ?? undefined);
}

const MESSAGES: Record<number, string> = {
  400: 'The request was refused.',
  403: 'You are not allowed to do this.',
  404: 'Not found.',
  408: 'The request timed out.',
  409: 'Another request is changing this object; try again.',
  502: 'Bad gateway.',
  503: 'The server is overloaded. Please try again later.',
  504: 'Gateway timeout.',
};

function share(value: number, name: string): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be within [0, 1]`);
  return value;
}
