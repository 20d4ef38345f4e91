// openai: the one place vecfill makes an OpenAI client. OPENAI_API_KEY is required, OPENAI_BASE_URL
// points at an OpenAI-compatible server. The SDK's own retries are off: api.ts retries every call
// itself, within a budget, and says so on stderr. The key goes to the SDK and nowhere else: every API
// error that leaves vecfill passes through apiError(), which scrubs it from the message and adds the
// answer's x-request-id, which is what OpenAI support asks for about a failed call.
import OpenAI from 'openai';
import { redactUrl } from '../db/postgres.js';
import { ApiError, UsageError } from '../errors.js';

export interface ClientOptions {
  /** The SDK's own retries (default 0: api.ts retries, with a budget and a line on stderr each). */
  maxRetries?: number;
  /** Where OPENAI_API_KEY and OPENAI_BASE_URL are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export function openaiClient(opts: ClientOptions = {}): OpenAI {
  const env = opts.env ?? process.env;
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!apiKey) {
    throw new UsageError('OPENAI_API_KEY is not set: export your OpenAI API key (for an OpenAI-compatible server, also OPENAI_BASE_URL)');
  }
  return new OpenAI({ apiKey, baseURL: env.OPENAI_BASE_URL || undefined, maxRetries: opts.maxRetries ?? 0 });
}

/** Text with anything that looks like an API key (and the configured key itself) replaced. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = env.OPENAI_API_KEY?.trim();
  let out = key && key.length >= 4 ? text.split(key).join('***') : text;
  out = out.replace(/\b(sk-[A-Za-z0-9_-]{2})[A-Za-z0-9_*-]{4,}/g, '$1***');
  return out;
}

/** The x-request-id of the answer a failure came with (the SDK's `requestID`, or one vecfill noted
 *  itself on a download that broke off); undefined when no answer came (a lost connection). */
export function requestIdOf(err: unknown): string | undefined {
  const id = err instanceof OpenAI.APIError ? err.requestID : (err as { requestId?: unknown } | null)?.requestId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** " [request id req_…]" for a failure that came with one, else "": for messages and log lines. */
export function requestIdNote(err: unknown): string {
  const id = requestIdOf(err);
  return id ? ` [request id ${id}]` : '';
}

/** An Error for an API call that failed, saying what was being done, with a hint and the request id,
 *  never the key. */
export function apiError(err: unknown, doing: string, env: NodeJS.ProcessEnv = process.env): ApiError {
  const base = env.OPENAI_BASE_URL ? redactUrl(env.OPENAI_BASE_URL) : 'the OpenAI API';
  let why: string;
  if (err instanceof OpenAI.AuthenticationError) why = `${err.message} (check OPENAI_API_KEY)`;
  else if (err instanceof OpenAI.APIConnectionError) why = `cannot reach ${base}: ${rootCause(err)}`;
  else if (err instanceof Error) why = err.message;
  else why = String(err);
  const status = err instanceof OpenAI.APIError ? err.status : undefined;
  return new ApiError(redactSecrets(`${doing}: ${why}${requestIdNote(err)}`, env), status, false, requestIdOf(err));
}

/** The innermost cause's message ("connect ECONNREFUSED …" rather than "fetch failed"). */
export function rootCause(err: Error): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  const e = cause as Error & { code?: string };
  return e.message || e.code || e.name || err.message;
}
