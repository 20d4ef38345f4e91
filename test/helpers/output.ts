// Builders of Batch API output lines, as the Batch guide documents them.
import { mulberry32 } from '../../src/emulator/random.js';

let seq = 0;

/** A success line; the embedding is a number array, base64 text, or raw JSON text spliced in as is. */
export function okLine(customId: string, embedding: number[] | string | { raw: string }, tokens = 5): string {
  const e = typeof embedding === 'object' && 'raw' in embedding ? embedding.raw : JSON.stringify(embedding);
  return `{"id":"batch_req_${++seq}","custom_id":${JSON.stringify(customId)},"response":{"status_code":200,` +
    `"request_id":"req_${seq}","body":{"object":"list","data":[{"object":"embedding","index":0,"embedding":${e}}],` +
    `"model":"text-embedding-3-small","usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}},"error":null}`;
}

/** A line of the error file: an HTTP failure. */
export function httpErrorLine(customId: string, status: number, message: string): string {
  return JSON.stringify({ id: `batch_req_${++seq}`, custom_id: customId,
    response: { status_code: status, request_id: `req_${seq}`, body: { error: { message, type: 'invalid_request_error' } } }, error: null });
}

/** A line of the error file: never executed. */
export function notExecutedLine(customId: string, code = 'batch_expired'): string {
  return JSON.stringify({ id: `batch_req_${++seq}`, custom_id: customId, response: null,
    error: { code, message: 'This request could not be executed before the completion window expired.' } });
}

/** Base64 of little-endian float32 values, as encoding_format "base64" returns them. */
export function base64Of(values: ArrayLike<number>): string {
  const f = Float32Array.from(values);
  return Buffer.from(f.buffer).toString('base64');
}

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export const prng = mulberry32;

/** The vector of row `id` in embeddingLines(…, seed): seeded per row, so any row can be checked. */
export function rowVector(id: number, dims = 1536, seed = 1): Float32Array {
  const rnd = prng(Math.imul(seed, 0x9e3779b1) ^ id);
  const v = new Float32Array(dims);
  for (let k = 0; k < dims; k++) v[k] = (rnd() - 0.5) * 0.2;
  return v;
}

/**
 * Success lines for rows first, first+1, … (count of them), each with its "\n", the vectors as base64.
 * Lazy, so a consumer that stops early pays only for what it took. At 1536 dimensions a line is ~8 KB
 * of input and ~6 KB of COPY data: ~2,700 lines fill one 16 MiB COPY segment.
 */
export function* embeddingLines(count: number, dims = 1536, seed = 1, first = 1): Generator<string> {
  for (let id = first; id < first + count; id++) {
    const v = rowVector(id, dims, seed);
    yield okLine(String(id), Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')) + '\n';
  }
}
