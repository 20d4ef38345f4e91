// decode: one Batch API output line → the custom_id and its vector, or the reason the line sets no row.
// The line's structure is read by JsonBytes; the embedding is read in place into a reusable Float32Array
// (numbers by a NumberScanner, base64 straight into its bytes) and checked as it is read.
// In place because that is where the time goes: a float line is ~19,000 bytes of decimals, and turning
// them into a string and a JS array first (split2 + JSON.parse) made the parse ~3× slower, a streaming
// tokenizer ~15× (json-bytes.ts; bench/README.md, "Why the hot path reads bytes").
import { endianness } from 'node:os';
import { HALF_LIMIT, NumberScanner, Stop } from './floats.js';
import { JsonBytes, MalformedJson, type Shape } from './json-bytes.js';

if (endianness() !== 'LE') throw new Error('vecfill reads base64 embeddings as little-endian float32 and needs a little-endian CPU');

/** pgvector's limit for vector and halfvec. */
export const MAX_DIMS = 16000;

/** Why a line set no row; a line that was never executed carries the batch's own code (batch_expired, …). */
export type RejectCode =
  | 'malformed_json' | 'not_an_output_line' | 'missing_custom_id' | 'http_error' | 'not_executed'
  | 'no_embedding' | 'multiple_embeddings' | 'not_a_number' | 'not_finite' | 'halfvec_range'
  | 'bad_base64' | 'dimension_mismatch' | 'invalid_id' | 'line_too_long' | (string & {});

export interface Decoded {
  ok: boolean;
  customId: string | undefined;
  /** Values in `vector` (0..dims) when ok. */
  dims: number;
  code: RejectCode | undefined;
  reason: string | undefined;
  tokens: number;
}

/**
 * What the parsed structure holds in place of an embedding read in place: its size and its first
 * problem; the values themselves are in LineDecoder.vector. Only response.body.data[0].embedding is
 * read in place, so the values in the vector are those of the last one read, which is the one the
 * structure keeps: a later duplicate of any key on that path replaces the earlier value, as in JSON.parse.
 */
class Embedding {
  dims = 0;
  problem: [RejectCode, string] | undefined = undefined;
}

/** The path of the embedding in an output line, the one value read in place. */
function embeddingShape(hook: () => Embedding): Shape {
  const path = (key: string, shape: Shape): Shape => ({ keys: new Map([[key, shape]]) });
  return path('response', path('body', path('data', { first: path('embedding', { hook }) })));
}

export class LineDecoder {
  vector: Float32Array = new Float32Array(2048);
  private bytes = Buffer.from(this.vector.buffer);
  private readonly json: JsonBytes;
  /** The fast loop over an embedding's numbers; it says why it stopped and what was out of range. */
  private readonly scanner = new NumberScanner();
  private readonly limit: number;
  /** The embedding being read. */
  private current = new Embedding();
  readonly out: Decoded = { ok: false, customId: undefined, dims: 0, code: undefined, reason: undefined, tokens: 0 };

  /** halfvec: values at or beyond ±65520 round to infinity in a halfvec and are rejected. */
  constructor(halfvec: boolean) {
    this.limit = halfvec ? HALF_LIMIT : Infinity;
    this.json = new JsonBytes(embeddingShape(() => this.embedding()));
  }

  /** Decodes b[start, end); the result is this.out (reused: read it before the next call). */
  decode(b: Buffer, start: number, end: number): Decoded {
    const out = this.out;
    out.ok = false;
    out.customId = undefined;
    out.dims = 0;
    out.code = undefined;
    out.reason = undefined;
    out.tokens = 0;
    let root: unknown;
    try {
      root = this.json.parseDocument(b, start, end);
    } catch (err) {
      if (!(err instanceof MalformedJson)) throw err;
      return this.reject('malformed_json', `malformed JSON at byte ${err.at - start + 1}: ${err.message.replace(/^.*?: /, '')}`);
    }
    if (!isObject(root)) return this.reject('not_an_output_line', 'not a JSON object');
    if (typeof root.custom_id === 'string') out.customId = root.custom_id;
    const response = root.response;
    const body = isObject(response) ? response.body : undefined;
    const usage = isObject(body) ? body.usage : undefined;
    if (isObject(usage) && typeof usage.total_tokens === 'number') out.tokens = usage.total_tokens;
    if (out.customId === undefined) return this.reject('missing_custom_id', 'no custom_id (a string) on the line');

    if (isObject(response)) {
      if (response.status_code !== 200) {
        const error = isObject(body) ? body.error : undefined;
        const message = isObject(error) && typeof error.message === 'string' ? error.message : 'no error message';
        return this.reject('http_error', `HTTP ${typeof response.status_code === 'number' ? response.status_code : describe(response.status_code)}: ${message}`);
      }
      const data = isObject(body) ? body.data : undefined;
      if (!Array.isArray(data) || data.length === 0) return this.reject('no_embedding', 'response.body.data holds no embedding');
      if (data.length > 1) return this.reject('multiple_embeddings', `response.body.data holds ${data.length} embeddings for one custom_id`);
      const embedding = isObject(data[0]) ? data[0].embedding : undefined;
      if (!(embedding instanceof Embedding)) return this.reject('no_embedding', 'response.body.data[0] has no embedding');
      if (embedding.problem) return this.reject(embedding.problem[0], embedding.problem[1]);
      out.ok = true;
      out.dims = embedding.dims;
      return out;
    }
    const error = root.error;
    if (isObject(error)) {
      // Never executed (batch_expired, batch_cancelled, …): counted under that code.
      const code = typeof error.code === 'string' && /^[a-z0-9_]{1,64}$/.test(error.code) ? error.code : 'not_executed';
      const message = typeof error.message === 'string' ? `: ${error.message}` : '';
      return this.reject(code, `${code}${message}`);
    }
    return this.reject('not_an_output_line', 'neither a response nor an error on the line');
  }

  private reject(code: RejectCode, reason: string): Decoded {
    this.out.ok = false;
    this.out.code = code;
    this.out.reason = reason;
    return this.out;
  }

  /** Keeps the first problem of the embedding being read. */
  private note(code: RejectCode, reason: string): void {
    this.current.problem ??= [code, reason];
  }

  /** The embedding's value: a number array or a base64 string, read into this.vector. */
  private embedding(): Embedding {
    const json = this.json;
    this.current = new Embedding();
    const c = json.peek();
    if (c === 91) this.numberArray();
    else if (c === 34) this.base64();
    else {
      json.value();
      this.note('no_embedding', 'embedding is neither a number array nor a base64 string');
    }
    return this.current;
  }

  /** The array at the cursor (which is on its '['). */
  private numberArray(): void {
    const json = this.json;
    const scanner = this.scanner;
    json.skip(1);
    if (json.peek() === 93) { json.skip(1); return; }
    let n = 0;
    for (;;) {
      // The fast loop takes every plain number; it hands back whatever needs a closer look.
      n = json.numbers(scanner, this.vector, n, this.limit);
      if (scanner.firstOutOfRange >= 0) this.outOfRange(scanner.firstOutOfRange, this.vector[scanner.firstOutOfRange]);
      if (scanner.stop === Stop.End) break;
      if (scanner.stop === Stop.Full && n < MAX_DIMS) {
        this.grow(n + 1);
        continue;
      }
      const closed = this.element(n);
      n++;
      if (closed) break;
    }
    this.current.dims = n;
  }

  /** One element the fast loop left, and the separator after it; true at the closing ']'. */
  private element(n: number): boolean {
    const json = this.json;
    const c = json.peek();
    if (c === 45 || (c >= 48 && c <= 57)) {
      const x = json.number();
      if (n < MAX_DIMS) {
        if (n >= this.vector.length) this.grow(n + 1);
        this.vector[n] = x; // the store rounds the double to float32: Math.fround(Number(text))
        const f = this.vector[n];
        if (!(f < this.limit && f > -this.limit)) this.outOfRange(n, f);
      } else if (n === MAX_DIMS) {
        this.tooMany();
      }
    } else {
      const value = json.value();
      this.note('not_a_number', `embedding element ${n} is ${describe(value)}, not a number`);
    }
    const sep = json.peek();
    if (sep !== 44 && sep !== 93) return json.fail("expected ',' or ']' in the embedding");
    json.skip(1);
    return sep === 93;
  }

  private outOfRange(n: number, f: number): void {
    if (!Number.isFinite(f)) this.note('not_finite', `embedding element ${n} is not a finite float32 (${f})`);
    else this.note('halfvec_range', `embedding element ${n} (${f}) is out of range for halfvec (|x| < 65520)`);
  }

  private base64(): void {
    const json = this.json;
    const span = json.plainStringSpan();
    const text = span ? json.bytes.toString('latin1', span[0], span[1]) : json.string();
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    const size = (text.length / 4) * 3 - padding;
    if (text.length % 4 !== 0) return this.notBase64(span, 'its length is not a multiple of 4');
    // Node's decoder also takes the URL-safe alphabet ('-', '_'), stops at a '=', skips characters
    // outside the alphabet, and reads a character beyond U+00FF by its low byte (so "\u0141" is an
    // 'A'). Skipped characters make the decoded size fall short of what the length promises; the rest
    // is checked here. Escapes are rare, so only an escaped string pays for a full check.
    if (!span && !BASE64_CHARS.test(text)) return this.notBase64(span, 'it holds characters outside the base64 alphabet');
    const eq = text.indexOf('=');
    if ((eq >= 0 && eq < text.length - padding) || text.includes('-') || text.includes('_')) {
      return this.notBase64(span, 'it holds characters outside the base64 alphabet');
    }
    if (size % 4 !== 0) return this.notBase64(span, `it holds ${size} bytes, not a whole number of float32 values`);
    const n = size / 4;
    if (n > MAX_DIMS) {
      if (Buffer.from(text, 'base64').length !== size) return this.notBase64(span, 'it holds characters outside the base64 alphabet');
      return this.tooMany();
    }
    if (n > this.vector.length) this.grow(n);
    if (this.bytes.write(text, 0, size, 'base64') !== size) return this.notBase64(span, 'it holds characters outside the base64 alphabet');
    const v = this.vector;
    const limit = this.limit;
    for (let k = 0; k < n; k++) {
      const f = v[k];
      if (!(f < limit && f > -limit)) {
        this.outOfRange(k, f);
        break;
      }
    }
    this.current.dims = n;
  }

  private notBase64(span: [number, number] | null, why: string): void {
    // A raw control character makes the line malformed JSON, not merely bad base64. It is looked for
    // only here, in a string already known to be bad (Node's decoder skips it, so the decoded size
    // falls short), and a good embedding pays nothing for the check.
    const json = this.json;
    if (span) {
      const b = json.bytes;
      for (let k = span[0]; k < span[1]; k++) {
        if (b[k] < 32) json.failAt(k, 'control character in a string');
      }
    }
    this.note('bad_base64', `embedding is a string but not base64: ${why}`);
  }

  private tooMany(): void {
    this.note('dimension_mismatch', `embedding has more than ${MAX_DIMS} values, pgvector's limit`);
  }

  /** A vector with room for at least n values, keeping the ones read so far. */
  private grow(n: number): Float32Array {
    const bigger = new Float32Array(Math.min(MAX_DIMS, Math.max(n, this.vector.length * 2)));
    bigger.set(this.vector);
    this.vector = bigger;
    this.bytes = Buffer.from(bigger.buffer);
    return bigger;
  }
}

/** The characters of standard base64 (RFC 4648, section 4), padding at the end only. */
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string ${JSON.stringify(value.slice(0, 40))}` : `${typeof value} ${JSON.stringify(value)}`;
}
