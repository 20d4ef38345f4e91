// api-options: how a library caller names the API (an OpenAI client, or its key and base URL), made
// the BatchApi every call goes through. The functions that call one another (run → submit, ingestBatch)
// hand their BatchApi on instead, through ApiInternals, which stays out of the public types.
import type OpenAI from 'openai';
import { BatchApi } from './api.js';
import { openaiClient } from './openai.js';

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The OpenAI side of the library's options. */
export interface ApiOptions {
  /** An OpenAI client, or the key and base URL to make one with (default: the environment's
   *  OPENAI_API_KEY and OPENAI_BASE_URL). The key never shows in an error message. */
  openai?: OpenAI | { apiKey?: string; baseURL?: string };
  /** How long each API call keeps trying through transient faults (dropped connections, timeouts,
   *  408, 409, 429, 5xx), in milliseconds; 0 tries once (default: 2 minutes; run: 30 minutes). */
  retryForMs?: number;
  /** One line per event (a retry and its wait, a wait for another process's lock), without newline. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** What vecfill's own functions pass besides. */
export interface ApiInternals {
  /** The BatchApi to use as it is (the options above are then not read). */
  api?: BatchApi;
}

/** The BatchApi the options name. The key is checked here, before anything else is done. */
export function batchApi(opts: ApiOptions & ApiInternals, defaultRetryForMs: number): BatchApi {
  if (opts.api) return opts.api;
  const given = opts.openai;
  // Duck-typed: a client of another copy of the openai package is a client too.
  const client = given && 'batches' in given && 'files' in given
    ? given as OpenAI
    : openaiClient({ env: { ...process.env, ...(given?.apiKey ? { OPENAI_API_KEY: given.apiKey } : {}), ...(given?.baseURL ? { OPENAI_BASE_URL: given.baseURL } : {}) } });
  // Messages scrub the key the client actually uses, and name the server it calls unless it is OpenAI's.
  const baseURL = client.baseURL === DEFAULT_BASE_URL ? undefined : client.baseURL;
  const env = { ...process.env, OPENAI_API_KEY: client.apiKey ?? undefined, OPENAI_BASE_URL: baseURL };
  return new BatchApi(client, { retryForMs: opts.retryForMs ?? defaultRetryForMs, log: opts.log, signal: opts.signal, env });
}
