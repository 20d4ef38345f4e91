// openai: the one place vecfill makes an OpenAI client. OPENAI_API_KEY is required, OPENAI_BASE_URL
// points at an OpenAI-compatible server; the SDK's own retries cover transient HTTP failures (429,
// 5xx, dropped connections). The key goes to the SDK and nowhere else: every API error that leaves
// this file passes through apiError(), which scrubs it from the message.
import OpenAI from 'openai';
import { redactUrl } from '../db/connect.js';
import { UsageError } from '../cli/usage.js';

export const DEFAULT_MAX_RETRIES = 5;

export interface ClientOptions {
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
  return new OpenAI({ apiKey, baseURL: env.OPENAI_BASE_URL || undefined, maxRetries: opts.maxRetries ?? DEFAULT_MAX_RETRIES });
}

/** Text with anything that looks like an API key (and the configured key itself) replaced. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = env.OPENAI_API_KEY?.trim();
  let out = key && key.length >= 4 ? text.split(key).join('***') : text;
  out = out.replace(/\b(sk-[A-Za-z0-9_-]{2})[A-Za-z0-9_*-]{4,}/g, '$1***');
  return out;
}

/** An Error for an API call that failed, saying what was being done, with a hint, never the key. */
export function apiError(err: unknown, doing: string, env: NodeJS.ProcessEnv = process.env): Error {
  const base = env.OPENAI_BASE_URL ? redactUrl(env.OPENAI_BASE_URL) : 'the OpenAI API';
  let why: string;
  if (err instanceof OpenAI.AuthenticationError) why = `${err.message} (check OPENAI_API_KEY)`;
  else if (err instanceof OpenAI.APIConnectionError) why = `cannot reach ${base}: ${err.cause instanceof Error ? err.cause.message : err.message}`;
  else if (err instanceof Error) why = err.message;
  else why = String(err);
  const e = new Error(redactSecrets(`${doing}: ${why}`, env));
  if (err instanceof OpenAI.APIError) Object.assign(e, { status: err.status });
  return e;
}

/** Runs an API call, turning its failure into apiError(…). */
export async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw apiError(err, doing);
  }
}
