// A local stand-in for the OpenAI Files + Batches API (embeddings batches) and the embeddings endpoint
// itself, driven through the official SDK with `baseURL`: `vecfill emulate` serves it, the tests start it in-process. Its vectors are
// emulated (embedding.ts), and everything it serves says so (label.ts). Deterministic: batches advance
// one phase per GET of the batch (or by the controls), ids, output orders and faults come from a seed.
//
//   const emulator = await startEmulator({ expireBatches: [0], faults: { rate: 0.1, cutDownloads: 0.2 } });
//   const client = new OpenAI({ apiKey: 'any', baseURL: emulator.baseURL });
//   emulator.state.flaky.failNext(1, (r) => r.method === 'POST' && r.path === '/v1/batches', { after: 'drop' });
//   …
//   emulator.state.faults; // { errors500, errors429, cutDownloads, dropped }: what was injected
//   await emulator.close();
//
// Injected faults show in state.requests with `injected` set: 'error' (the error status), 'drop'
// (status 0: no answer ever came) or 'cut' (the status the reply started with, 200 for a download).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, type LoggedRequest } from './api.js';
import type { Phase } from './batch.js';
import { BatchStore, type NewBatch } from './batches.js';
import { controls, type EmulatorState } from './controls.js';
import { embeddingRoutes } from './embeddings.js';
import { FileStore, UPLOAD_LIMITS, type UploadLimits } from './files.js';
import { RandomFaults, type RandomFaultOptions } from './faults.js';
import { FlakyGate, type FlakyRule } from './flaky.js';
import { idMaker } from './random.js';
import type { Markers } from './results.js';

export interface EmulatorOptions {
  /** Port to listen on (default 0: any free port; `baseURL` says which). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Accept only this key (401 otherwise). By default any non-empty bearer token is accepted. */
  apiKey?: string;
  /** Seeds ids, output order and random faults (default 1); never the vectors. */
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
  /** Smaller upload limits than the API's 512 MB per file and 200 MB per batch input file, to test a
   *  refusal without sending that much. */
  limits?: Partial<UploadLimits>;
  /** Unix seconds (default: the real clock; files expire by it). */
  now?: () => number;
  /** Called once per request, when its answer has gone out (or was dropped on purpose). */
  onRequest?: (request: LoggedRequest) => void;
}

export interface Emulator {
  /** Like http://127.0.0.1:PORT/v1, for `new OpenAI({ baseURL })` or OPENAI_BASE_URL. */
  baseURL: string;
  /** What the emulator holds, and the controls that steer it in-process (controls.ts). */
  state: EmulatorState;
  close(): Promise<void>;
}

const DEFAULT_MARKERS: Markers = { refuse: 'REFUSE', rateLimit: 'RATELIMIT', serverError: 'SERVERERR' };

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const partialFraction = options.partialFraction ?? 0.5;
  if (!(partialFraction >= 0 && partialFraction <= 1)) throw new RangeError('partialFraction must be within [0, 1]');
  const seed = options.seed ?? 1;
  const nextId = idMaker(seed);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const expire = options.expireBatches ?? [];
  let autoAdvance = options.autoAdvance ?? true;

  const limits = { ...UPLOAD_LIMITS, ...options.limits };
  const files = new FileStore(nextId, now, limits);
  const results = { markers: { ...DEFAULT_MARKERS, ...options.markers }, countTokens: options.countTokens ?? countWords };
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
      results,
      writeFile: (filename, render, expiresAfter) => files.add(filename, 'batch_output', render, expiresAfter),
    },
  });
  const random = options.faults ? new RandomFaults(options.faults, seed) : null;
  const flaky = new FlakyGate(options.flaky, options.retryAfterMs === undefined ? 1 : options.retryAfterMs, random);
  // Request ids from a stream of their own, so they shift no file or batch id. The body limit leaves
  // room for the multipart framing around the largest file.
  const requestIds = idMaker(`${seed}:requests`);
  const api = new Api([...files.routes(), ...batches.routes(), ...embeddingRoutes(results)], flaky, options.apiKey, {
    nextRequestId: () => requestIds('req_'),
    maxBodyBytes: limits.uploadBytes + 64 * 1024,
  }, options.onRequest);

  const server = createServer((req, res) => void api.handle(req, res));
  // An idle connection is closed by the client first (undici after 4 s, told 5 s by Node's default
  // here), never under a request the client just sent on it: with the server's default the two race,
  // and a busy machine loses that race as ECONNRESET.
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // EADDRINUSE, EACCES, EADDRNOTAVAIL: the caller names the fix
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
    baseURL: `http://${urlHost(host)}:${port}/v1`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // the SDK keeps connections alive
      }),
  };
}

// The host as a URL names it: a wildcard address is reached on loopback, an IPv6 one in brackets.
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
