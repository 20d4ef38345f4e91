// HTTP plumbing: handlers return a Reply (or throw an ApiError) and the server writes it, so the
// request log can record every status in one place.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LABEL_HEADER } from './label.js';

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

/** The API's answer to an upload over its size limit (seen for a batch file over 200 MB). */
export function fileTooLarge(): ApiError {
  return ApiError.invalid('File is too large.');
}

/** The whole body, or null when it is longer than `maxBytes`: the rest is read and dropped, so the
 *  client still gets an answer, and memory holds at most `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes = Infinity): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length <= maxBytes) chunks.push(chunk as Buffer);
  }
  return length <= maxBytes ? Buffer.concat(chunks) : null;
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
  const { head, body } = prepared(reply);
  res.writeHead(reply.status, head);
  await pipeline(Readable.from(chunksOf(body)), res);
}

/** Starts a reply (status, headers with the content-length of the whole body) and sends about half
 *  of its body, then destroys the connection: the client sees a body that ends too early. */
export async function writeCut(res: ServerResponse, reply: Reply): Promise<void> {
  const { head, body } = prepared(reply);
  res.writeHead(reply.status, head);
  try {
    for (const chunk of chunksOf(body.subarray(0, body.length >> 1))) {
      // Wait until each chunk is handed to the socket, so the half is really sent before the end.
      await new Promise<void>((resolve, reject) => res.write(chunk, (err) => (err ? reject(err) : resolve())));
    }
  } finally {
    res.destroy();
  }
}

function prepared(reply: Reply): { head: Record<string, string>; body: Buffer } {
  const body = 'json' in reply ? Buffer.from(JSON.stringify(reply.json)) : reply.bytes;
  const type = 'json' in reply ? 'application/json' : reply.contentType;
  const extra = 'json' in reply ? reply.headers : undefined;
  return { head: { 'content-type': type, 'content-length': String(body.length), ...extra, [LABEL_HEADER]: '1' }, body };
}

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
}
