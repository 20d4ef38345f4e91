// api-retry: how vecfill waits out a bad day of the API. A call that fails on something that passes
// (a dropped connection, a timeout, 408, 409, 429, 5xx, a download cut half-way) is tried again after
// an exponential backoff with jitter, or after the Retry-After the server asked for, until the call's
// budget is spent; each wait is one line in the log. Anything else (401, 403, 404, a 400, a quota that
// is gone) is permanent and fails at once: no amount of waiting fixes it. A wait's line names the
// failed answer's x-request-id, for OpenAI support.
import OpenAI from 'openai';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../errors.js';
import { requestIdNote, rootCause } from './openai.js';

export interface RetryOptions {
  /** How long one call may keep retrying, in ms, from its first try (0: no retries). */
  retryForMs: number;
  /** One line per retry: what failed, why, and the wait. */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** The first backoff's ceiling, in ms (default 500, or VECFILL_BACKOFF_BASE_MS): the doubling
   *  starts here. A test shortens it to go through a bad day in seconds, not minutes. */
  backoffBaseMs?: number;
}

/** Defaults of --retry-for: a day-long run waits out a long outage; a one-shot command gives up sooner. */
export const RUN_RETRY_FOR_MS = 30 * 60_000;
export const COMMAND_RETRY_FOR_MS = 2 * 60_000;

const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 60_000;

/** The backoff base: the option, else VECFILL_BACKOFF_BASE_MS (read at each call, not at load, so a
 *  process that sets it later is heard), else 500 ms. */
export function backoffBaseMs(opts: Pick<RetryOptions, 'backoffBaseMs'> = {}): number {
  if (opts.backoffBaseMs !== undefined) return opts.backoffBaseMs;
  const env = Number.parseFloat(process.env.VECFILL_BACKOFF_BASE_MS ?? '');
  return Number.isFinite(env) && env >= 0 ? env : FIRST_WAIT_MS;
}

/** A failure that passes with time, marked as such where vecfill itself sees it (a download cut short);
 *  `requestId` is the x-request-id of the answer it broke in. */
export class TransientError extends Error {
  readonly transient = true;
  constructor(message: string, readonly requestId?: string) {
    super(message);
  }
}

/** Why err is worth another try, or undefined when it is permanent. */
export function transientReason(err: unknown): string | undefined {
  // A call that has spent its own budget is not tried again by a caller further up.
  if ((err instanceof ApiError && err.retriesSpent) || err instanceof RetriesSpent) return undefined;
  if (err instanceof TransientError) return err.message;
  if ((err as { transient?: unknown })?.transient === true) return (err as Error).message;
  if (err instanceof OpenAI.APIUserAbortError) return undefined;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'timed out';
  if (err instanceof OpenAI.APIConnectionError) return `connection failed (${rootCause(err)})`;
  const status = statusOf(err);
  if (status === undefined) return undefined;
  // A 429 for an exhausted quota or billing limit stays until someone pays: permanent.
  const code = (err as { code?: unknown }).code;
  if (status === 429 && (code === 'insufficient_quota' || code === 'billing_hard_limit_reached')) return undefined;
  if (status === 408 || status === 409 || status === 429 || status >= 500) {
    const type = (err as { type?: unknown }).type;
    const what = typeof code === 'string' && code ? code : typeof type === 'string' && type ? type : '';
    return `HTTP ${status}${what ? ` ${what}` : ''}`;
  }
  return undefined;
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The wait the server asked for (retry-after-ms, or retry-after in seconds or as a date), in ms. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: unknown })?.headers;
  if (!(headers instanceof Headers)) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers.get('retry-after');
  if (after === null) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The backoff before try n+1 (n ≥ 1): doubling from 0.5 s up to a minute, each wait between half and
 *  all of that, so that many clients that failed together do not come back together. */
export function backoffMs(n: number, random: () => number = Math.random, base = FIRST_WAIT_MS): number {
  const ceiling = Math.min(MAX_WAIT_MS, base * 2 ** (n - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

export function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/**
 * Tracks the tries of one call against its budget. `wait(err)` returns normally after sleeping when
 * another try is worth it, and throws err (or the signal's reason) when it is not.
 */
export class RetryClock {
  private tries = 0;
  private readonly started = Date.now();

  constructor(private readonly doing: string, private readonly opts: RetryOptions) {}

  async wait(err: unknown): Promise<void> {
    this.opts.signal?.throwIfAborted();
    const why = transientReason(err);
    if (why === undefined) throw err;
    this.tries++;
    const asked = retryAfterMs(err);
    const wait = asked ?? backoffMs(this.tries, Math.random, backoffBaseMs(this.opts));
    const spent = Date.now() - this.started;
    if (spent + wait > this.opts.retryForMs) {
      if (this.opts.retryForMs === 0) throw err;
      throw new RetriesSpent(err, `gave up after ${this.tries} ${this.tries === 1 ? 'try' : 'tries'} in ${formatWait(spent)}; --retry-for is ${formatWait(this.opts.retryForMs)}`);
    }
    this.opts.log?.(`${this.doing}: ${why}; trying again in ${formatWait(wait)}${asked !== undefined ? ' (as the server asked)' : ''}${requestIdNote(err)}`);
    await sleep(wait, undefined, { signal: this.opts.signal }).catch(() => this.opts.signal?.throwIfAborted());
  }
}

/** The budget of a call was spent: `cause` is its last failure, `detail` says how long it tried. */
export class RetriesSpent extends Error {
  constructor(override readonly cause: unknown, readonly detail: string) {
    super(`${cause instanceof Error ? cause.message : String(cause)} (${detail})`);
  }

  get status(): number | undefined {
    return statusOf(this.cause);
  }
}

/** Runs fn until it succeeds, a failure is permanent, or the budget is spent. */
export async function retrying<T>(doing: string, opts: RetryOptions, fn: () => Promise<T>): Promise<T> {
  const clock = new RetryClock(doing, opts);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      await clock.wait(err);
    }
  }
}
