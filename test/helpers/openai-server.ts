// A local stand-in for the OpenAI Files + Batches API (embeddings batches), for tests that drive
// it through the official SDK with `baseURL`. Deterministic: batches advance one step per GET of
// the batch (or by test controls), vectors come from expectedEmbedding(), ids and orders from a seed.
//
//   const server = await startOpenAIServer({ expireBatches: [0], faults: { rate: 0.1, cutDownloads: 0.2 } });
//   const client = new OpenAI({ apiKey: 'test', baseURL: server.baseURL });
//   server.state.flaky.failNext(1, (r) => r.method === 'POST' && r.path === '/v1/batches', { after: 'drop' });
//   …
//   server.state.faults; // { errors500, errors429, cutDownloads, dropped }: what was injected
//   await server.close();
//
// Injected faults show in state.requests with `injected` set: 'error' (the error status), 'drop'
// (status 0: no answer ever came) or 'cut' (the status the reply started with, 200 for a download).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api } from './openai-server/api.js';
import type { Phase } from './openai-server/batch.js';
import { BatchStore, type NewBatch } from './openai-server/batches.js';
import { FileStore } from './openai-server/files.js';
import { RandomFaults, type RandomFaultOptions } from './openai-server/faults.js';
import { FlakyGate, type FlakyRule } from './openai-server/flaky.js';
import { idMaker } from './openai-server/random.js';
import type { Markers } from './openai-server/results.js';
import { controls, type OpenAIServerState } from './openai-server/state.js';

export { expectedEmbedding, float32Base64, formatFloat32 } from './openai-server/embedding.js';
export { EMBEDDING_MODELS, MAX_INPUT_TOKENS } from './openai-server/results.js';
export type { BatchObject, BatchStatus, Phase as BatchPhase } from './openai-server/batch.js';
export type { NewBatch } from './openai-server/batches.js';
export type { FileObject, StoredFile } from './openai-server/files.js';
export type { BatchError, EmbeddingRequest } from './openai-server/requests.js';
export type { FailHow, FlakyRule, FlakyRequest } from './openai-server/flaky.js';
export type { FaultCounts, RandomFaultOptions } from './openai-server/faults.js';
export type { LoggedRequest, OpenAIServerState } from './openai-server/state.js';

export interface OpenAIServerOptions {
  /** Accept only this key (401 otherwise). By default any non-empty bearer token is accepted. */
  apiKey?: string;
  /** Seeds ids and output order (default 1). */
  seed?: number;
  /** GETs of a batch spent in each state before it moves on (default 1 each; 0 passes through). */
  steps?: Partial<Record<Phase, number>>;
  /** Whether GET /v1/batches/:id steps the batch (default true); also `state.autoAdvance`. */
  autoAdvance?: boolean;
  /** Substrings of an input that make its request fail (defaults REFUSE → 400, RATELIMIT → 429, SERVERERR → 500). */
  markers?: Partial<Markers>;
  /** Batches that end `expired` instead of finalizing: creation indexes from 0, or a predicate. */
  expireBatches?: readonly number[] | ((batch: NewBatch) => boolean);
  /** Share of requests that ran when a batch expires or is cancelled mid-run (default 0.5). */
  partialFraction?: number;
  /** Per model: a batch whose tokens plus those of the model's queued/running batches exceed it fails with token_limit_exceeded. */
  enqueuedTokenLimit?: number;
  /** Token count of one input (default: whitespace-separated words). */
  countTokens?: (text: string) => number;
  /** API requests answered with HTTP 500 before they are handled (see FlakyRule). */
  flaky?: FlakyRule;
  /** `retry-after-ms` sent with the 500s of `flaky` and the errors of failNext (unless it names its
   *  own), so SDK retries are instant (default 1; null omits it and the SDK backs off as usual). */
  retryAfterMs?: number | null;
  /** Random faults, reproducible from a seed: errors before handling (half 500, half 429 with
   *  Retry-After) and downloads cut half-way. Counted in state.faults. */
  faults?: RandomFaultOptions;
  /** Unix seconds (default: the real clock). */
  now?: () => number;
}

export interface OpenAIServer {
  /** Like http://127.0.0.1:PORT/v1, for `new OpenAI({ baseURL })`. */
  baseURL: string;
  state: OpenAIServerState;
  close(): Promise<void>;
}

const DEFAULT_MARKERS: Markers = { refuse: 'REFUSE', rateLimit: 'RATELIMIT', serverError: 'SERVERERR' };

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const partialFraction = options.partialFraction ?? 0.5;
  if (!(partialFraction >= 0 && partialFraction <= 1)) throw new RangeError('partialFraction must be within [0, 1]');
  const seed = options.seed ?? 1;
  const nextId = idMaker(seed);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const expire = options.expireBatches ?? [];
  let autoAdvance = options.autoAdvance ?? true;

  const files = new FileStore(nextId, now);
  const batches = new BatchStore({
    files,
    nextId,
    enqueuedTokenLimit: options.enqueuedTokenLimit ?? null,
    willExpire: typeof expire === 'function' ? expire : (batch) => expire.includes(batch.index),
    autoAdvance: () => autoAdvance,
    env: {
      seed,
      steps: { validating: 1, in_progress: 1, finalizing: 1, cancelling: 1, ...options.steps },
      partialFraction,
      now,
      results: { markers: { ...DEFAULT_MARKERS, ...options.markers }, countTokens: options.countTokens ?? countWords },
      writeFile: (filename, render) => files.add(filename, 'batch_output', render),
    },
  });
  const random = options.faults ? new RandomFaults(options.faults, seed) : null;
  const flaky = new FlakyGate(options.flaky, options.retryAfterMs === undefined ? 1 : options.retryAfterMs, random);
  const api = new Api([...files.routes(), ...batches.routes()], flaky, options.apiKey);

  const server = createServer((req, res) => void api.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const state = controls({
    files,
    batches,
    api,
    flaky,
    getAutoAdvance: () => autoAdvance,
    setAutoAdvance: (on) => (autoAdvance = on),
  });
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // the SDK keeps connections alive
      }),
  };
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
