// The front door: every request is logged, authenticated, possibly failed on purpose (flaky.ts),
// then routed; a fault that comes after handling (an error, a drop, a cut) is applied to the reply.
// Once the client has its answer (or none), the entry goes to `onAnswered` (vecfill emulate's log).
// Every answer, an error or an injected fault too, carries its own `x-request-id`, as OpenAI's do: the
// SDK exposes it (`_request_id`, `err.requestID`) and a client logs it for support.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, FaultCounts } from './faults.js';
import type { FlakyGate } from './flaky.js';
import { ApiError, fileTooLarge, readBody, writeCut, writeReply, type Reply, type Route } from './http.js';

export interface LoggedRequest {
  /** 1-based, in arrival order (what FlakyRule indexes count). */
  index: number;
  method: string;
  path: string;
  /** The query string with its "?", or "". */
  query: string;
  /** The `x-request-id` of the answer (req_…); a dropped request's was never sent. */
  requestId: string;
  /** The status answered; 0 until the reply is written. A dropped request keeps 0 (no answer ever
   *  came); a cut reply has the status it started with (200 for a download). */
  status: number;
  /** Set when the server failed the request on purpose: 'error' (an error status answered, before
   *  the request was handled or, with failNext's after: 'reply', after), 'drop' (handled, then the
   *  connection destroyed without an answer), 'cut' (the reply started, then the connection was
   *  destroyed half-way through its body). */
  injected?: 'error' | 'drop' | 'cut';
}

export class Api {
  readonly log: LoggedRequest[] = [];
  /** Bearer tokens presented, kept for assertions and never logged. */
  readonly apiKeys = new Set<string>();

  constructor(
    private readonly routes: Route[],
    private readonly gate: FlakyGate,
    private readonly requiredKey: string | undefined,
    private readonly answers: { nextRequestId: () => string; maxBodyBytes: number },
    private readonly onAnswered: (entry: LoggedRequest) => void = () => {},
  ) {}

  /** The faults injected so far, counted from the log. */
  faultCounts(): FaultCounts {
    const counts: FaultCounts = { errors500: 0, errors429: 0, cutDownloads: 0, dropped: 0 };
    for (const r of this.log) {
      if (r.injected === 'error' && r.status === 500) counts.errors500++;
      else if (r.injected === 'error' && r.status === 429) counts.errors429++;
      else if (r.injected === 'cut') counts.cutDownloads++;
      else if (r.injected === 'drop') counts.dropped++;
    }
    return counts;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry: LoggedRequest = {
      index: this.log.length + 1, method: req.method ?? 'GET', path: url.pathname, query: url.search, requestId: this.answers.nextRequestId(), status: 0,
    };
    this.log.push(entry);
    let reply: Reply;
    let fault: Fault | null = null;
    try {
      // Read the body before anything else: answering an upload before it is consumed resets the
      // client's connection instead of giving it a status to act on.
      const body = await readBody(req, this.answers.maxBodyBytes);
      const denied = this.authenticate(req.headers.authorization);
      fault = denied ? null : this.gate.check(entry);
      reply = denied ? denied.reply()
        : fault?.kind === 'error' && fault.when === 'before' ? fault.reply
        : body === null ? tooLarge(entry.path)
        : await this.route(req, entry, url.searchParams, body).catch(errorReply);
    } catch (error) {
      reply = errorReply(error);
    }
    await this.send(res, entry, reply, fault);
  }

  /** Writes the reply, or what the fault makes of it, and logs what the client got. */
  private async send(res: ServerResponse, entry: LoggedRequest, reply: Reply, fault: Fault | null): Promise<void> {
    if (fault?.kind === 'cut' && reply.status !== 200) fault = null; // only a success is cut; an error goes whole
    if (fault) entry.injected = fault.kind;
    if (fault?.kind === 'drop') {
      res.destroy();
    } else {
      if (fault?.kind === 'error') reply = fault.reply; // after handling, it replaces the handler's answer
      entry.status = reply.status;
      res.setHeader('x-request-id', entry.requestId);
      try {
        await (fault?.kind === 'cut' ? writeCut(res, reply) : writeReply(res, reply));
      } catch {
        res.destroy(); // the client went away mid-download; nothing to report
      }
    }
    this.onAnswered(entry);
  }

  private async route(req: IncomingMessage, entry: LoggedRequest, query: URLSearchParams, body: Buffer): Promise<Reply> {
    for (const route of this.routes) {
      const match = route.pattern.exec(entry.path);
      if (match && route.method === entry.method) {
        return route.handle({ method: entry.method, path: entry.path, params: match.slice(1), query, headers: req.headers, body });
      }
    }
    return new ApiError(404, `Invalid URL (${entry.method} ${entry.path})`).reply();
  }

  private authenticate(header: string | undefined): ApiError | null {
    const key = /^Bearer (.+)$/.exec(header ?? '')?.[1]?.trim();
    if (!key) {
      return new ApiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    }
    this.apiKeys.add(key);
    if (this.requiredKey !== undefined && key !== this.requiredKey) {
      return new ApiError(401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    }
    return null;
  }
}

// A body past the largest upload is not kept (readBody drains it): an upload that size is refused as
// the API refuses a file too large; on any other path it can only be a client's mistake.
function tooLarge(path: string): Reply {
  if (path === '/v1/files') return fileTooLarge().reply();
  return new ApiError(413, 'The request body is too large.').reply();
}

// ApiErrors are answers; anything else is a bug in the emulator, reported without a retry so the
// client stops at once and shows it.
function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) return error.reply();
  const message = `vecfill emulator bug: ${error instanceof Error ? error.stack : String(error)}`;
  return new ApiError(500, message, 'server_error').reply({ 'x-should-retry': 'false' });
}
