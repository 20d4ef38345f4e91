// The front door: every request is logged, authenticated, possibly failed on purpose, then routed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FlakyGate } from './flaky.js';
import { ApiError, readBody, writeReply, type Reply, type Route } from './http.js';

export interface LoggedRequest {
  /** 1-based, in arrival order (what FlakyRule indexes count). */
  index: number;
  method: string;
  path: string;
  /** The query string with its "?", or "". */
  query: string;
  /** 0 until the reply is written. */
  status: number;
}

export class Api {
  readonly log: LoggedRequest[] = [];
  /** Bearer tokens presented, kept for assertions and never logged. */
  readonly apiKeys = new Set<string>();

  constructor(
    private readonly routes: Route[],
    private readonly flaky: FlakyGate,
    private readonly requiredKey: string | undefined,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry: LoggedRequest = { index: this.log.length + 1, method: req.method ?? 'GET', path: url.pathname, query: url.search, status: 0 };
    this.log.push(entry);
    let reply: Reply;
    try {
      // Read the body before anything else: answering an upload before it is consumed resets the
      // client's connection instead of giving it a status to act on.
      const body = await readBody(req);
      reply = await this.reply(req, entry, url.searchParams, body);
    } catch (error) {
      reply = errorReply(error);
    }
    entry.status = reply.status;
    try {
      await writeReply(res, reply);
    } catch {
      res.destroy(); // the client went away mid-download; nothing to report
    }
  }

  private async reply(req: IncomingMessage, entry: LoggedRequest, query: URLSearchParams, body: Buffer): Promise<Reply> {
    const denied = this.authenticate(req.headers.authorization);
    if (denied) return denied.reply();
    const injected = this.flaky.check(entry);
    if (injected) return injected;
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

// ApiErrors are answers; anything else is a bug in this server, reported without a retry so the
// failing test shows it at once.
function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) return error.reply();
  const message = `test server bug: ${error instanceof Error ? error.stack : String(error)}`;
  return new ApiError(500, message, 'server_error').reply({ 'x-should-retry': 'false' });
}
