// vecfill emulate: the local Batch API (src/emulator) as a process, until SIGINT or SIGTERM. The base
// URL goes to stdout, so a script can read it; the banner and one line per request go to stderr.
import { parseArgs } from 'node:util';
import { startEmulator, type Emulator, type EmulatorOptions, type LoggedRequest } from '../emulator/index.js';
import { UsageError } from '../errors.js';
import { EXIT } from './exit.js';

export const EMULATE_HELP = `Usage: vecfill emulate [options]

Serves a local stand-in for the OpenAI Files and Batches API (embeddings batches) until SIGINT
or SIGTERM: for trying vecfill, or your own Batch API code, without a key or a bill. Its vectors
are EMULATED, not a model's: a feature-hashed bag of words (texts that share words are near,
texts that share none are orthogonal), the same for a text on every run. Every answer carries
the header x-vecfill-emulator: 1; every batch, file and result line "vecfill_emulator": true.

Prints the base URL (for OPENAI_BASE_URL) on stdout, a banner and one line per request on
stderr. Any API key is accepted, and none is logged. A batch moves one phase (validating,
in_progress, finalizing, completed) each time it is retrieved, not with time, so a client sees
every phase however often it polls; listing batches does not move them. An input containing
REFUSE fails with HTTP 400 in the error file, RATELIMIT with 429, SERVERERR with 500.
POST /v1/embeddings answers at once with the same vectors (for vecfill similar --text).

Options:
  --port N                  port to listen on (default: 0, any free port)
  --host ADDRESS            address to listen on (default: 127.0.0.1)
  --steps N                 retrieves a batch spends in each phase (default: 1)
  --fail-rate X             share of API calls (0 to 1) answered, before they are handled, with
                            HTTP 500 or 429 (half each; the 429s with Retry-After)
  --cut-downloads X         share of file downloads (0 to 1) cut off half-way
  --expire-batches N,...    the batches created N-th (1 is the first) expire: half of their
                            requests run, the others are reported batch_expired
  --enqueued-token-limit N  a batch that would put more than N tokens (counted as words) in
                            flight for its model fails with token_limit_exceeded
  --seed N                  seeds ids, output order and which calls fail (default: 1); never
                            the vectors
  -h, --help                this help

Exit codes: 0 stopped by SIGINT or SIGTERM; 1 could not listen (say, the port is taken); 2 usage
error.
`;

export async function emulateCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      steps: { type: 'string' },
      'fail-rate': { type: 'string' },
      'cut-downloads': { type: 'string' },
      'expire-batches': { type: 'string' },
      'enqueued-token-limit': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(EMULATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const host = values.host ?? '127.0.0.1';
  const port = wholeNumber(values.port ?? '0', '--port', 0);
  if (port > 65535) throw new UsageError(`--port is at most 65535, not ${port}`);
  const steps = values.steps === undefined ? 1 : wholeNumber(values.steps, '--steps', 1);
  const rate = share(values['fail-rate'], '--fail-rate');
  const cutDownloads = share(values['cut-downloads'], '--cut-downloads');
  const options: EmulatorOptions = {
    port,
    host,
    seed: values.seed === undefined ? undefined : wholeNumber(values.seed, '--seed', 0),
    steps: { validating: steps, in_progress: steps, finalizing: steps, cancelling: steps },
    faults: rate || cutDownloads ? { rate, cutDownloads } : undefined,
    expireBatches: batchNumbers(values['expire-batches']),
    enqueuedTokenLimit: values['enqueued-token-limit'] === undefined ? undefined : wholeNumber(values['enqueued-token-limit'], '--enqueued-token-limit', 1),
    onRequest: (request) => process.stderr.write(`vecfill emulate: ${requestLine(request)}\n`),
  };

  let emulator: Emulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    const why = listenFailure(err, host, port);
    if (!why) throw err;
    process.stderr.write(`vecfill emulate: ${why}\n`);
    return EXIT.failed;
  }
  process.stdout.write(`${emulator.baseURL}\n`);
  process.stderr.write(banner(emulator.baseURL));
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  await emulator.close();
  process.stderr.write(`vecfill emulate: stopped after ${emulator.state.requests.length} requests\n`);
  return EXIT.ok;
}

function banner(baseURL: string): string {
  return [
    `vecfill emulate: a local OpenAI Files + Batches API at ${baseURL}`,
    "vecfill emulate: its vectors are EMULATED (a hashed bag of words), not a model's: for tests and demos only",
    `vecfill emulate: OPENAI_BASE_URL=${baseURL} OPENAI_API_KEY=any vecfill run ...; Ctrl-C stops it`,
  ].join('\n') + '\n';
}

/** One log line: the method, path and query (never a header, so never the key), and what was answered. */
function requestLine(r: LoggedRequest): string {
  const answered = r.injected === 'drop' ? 'dropped without an answer (injected)'
    : r.injected === 'cut' ? `${r.status}, cut off half-way (injected)`
    : r.injected === 'error' ? `${r.status} (injected)`
    : String(r.status);
  return `${r.method} ${r.path}${r.query} ${answered}`;
}

function listenFailure(err: unknown, host: string, port: number): string | null {
  const code = (err as { code?: unknown })?.code;
  if (code === 'EADDRINUSE') return `${host}:${port} is already in use: pick another --port, or --port 0 for any free one`;
  if (code === 'EACCES') return `not allowed to listen on ${host}:${port} (ports below 1024 need privileges): pick another --port`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `cannot listen on --host ${host}: not an address of this machine (try 127.0.0.1)`;
  return null;
}

function wholeNumber(text: string, flag: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${flag} takes a whole number ≥ ${min}, not ${JSON.stringify(text)}`);
  return Number(text);
}

function share(text: string | undefined, flag: string): number {
  if (text === undefined) return 0;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new UsageError(`${flag} takes a share from 0 to 1, such as 0.1, not ${JSON.stringify(text)}`);
  return value;
}

/** "1,3" → the creation indexes 0 and 2. */
function batchNumbers(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => wholeNumber(part.trim(), '--expire-batches', 1) - 1);
}
