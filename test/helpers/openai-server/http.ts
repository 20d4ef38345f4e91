// HTTP plumbing: handlers return a Reply (or throw an ApiError) and the server writes it, so the
// request log can record every status in one place.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; bytes: Buffer; contentType: string };

/** A request as the handlers see it: `params` are the captures of the route's pattern. */
export interface ApiRequest {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handle(request: ApiRequest): Reply | Promise<Reply>;
}

/** An error answered in OpenAI's shape: {"error": {message, type, param, code}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  static invalid(message: string, param: string | null = null): ApiError {
    return new ApiError(400, message, 'invalid_request_error', param);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, message, 'invalid_request_error', 'id');
  }

  reply(headers?: Record<string, string>): Reply {
    const error = { message: this.message, type: this.type, param: this.param, code: this.code };
    return { status: this.status, json: { error }, headers };
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw ApiError.invalid('We could not parse the JSON body of your request.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ApiError.invalid('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

const CHUNK = 64 * 1024;

/** Writes a reply; file bytes go out in chunks with backpressure, as a real download would. */
export async function writeReply(res: ServerResponse, reply: Reply): Promise<void> {
  if ('json' in reply) {
    const text = JSON.stringify(reply.json);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
    return;
  }
  res.writeHead(reply.status, { 'content-type': reply.contentType });
  await pipeline(Readable.from(chunksOf(reply.bytes)), res);
}

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
}
