// One line of a Batch API output file, byte for byte the shape the API writes for /v1/embeddings
// requests: a success (status 200, the embedding as numbers or base64) or an HTTP failure (status 400
// with body.error), both with `"error":null` at the top level.
import { hex, normals } from './random.js';
import { pythonFloat32 } from './float-repr.js';

export type Format = 'float' | 'base64';

/** A unit-length vector of float32 values, like text-embedding-3-*: each about N(0, 1/dims). */
export function embedding(dims: number, uniform: () => number): Float32Array {
  const normal = normals(uniform);
  const values = new Float64Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    values[i] = normal();
    norm += values[i] * values[i];
  }
  return Float32Array.from(values, (v) => v / Math.sqrt(norm));
}

/** The JSON value of `embedding` as the API prints it for encoding_format float or base64. */
export function embeddingJson(values: Float32Array, format: Format): string {
  if (format === 'base64') {
    const bytes = Buffer.alloc(values.length * 4);
    for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i], i * 4);
    return `"${bytes.toString('base64')}"`;
  }
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = pythonFloat32(values[i]);
  return `[${parts.join(',')}]`;
}

export function successLine(customId: string, embeddingText: string, uniform: () => number): string {
  const tokens = 5 + Math.floor(uniform() * 400);
  return (
    `{"id":"batch_req_${hex(uniform, 32)}","custom_id":"${customId}","response":{"status_code":200,` +
    `"request_id":"${hex(uniform, 32)}","body":{"object":"list","data":[{"object":"embedding",` +
    `"index":0,"embedding":${embeddingText}}],"model":"text-embedding-3-small",` +
    `"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}},"error":null}`
  );
}

export function errorLine(customId: string, uniform: () => number): string {
  const requested = 8193 + Math.floor(uniform() * 20000);
  const message =
    `This model's maximum context length is 8192 tokens, however you requested ${requested} ` +
    `tokens (${requested} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`;
  return (
    `{"id":"batch_req_${hex(uniform, 32)}","custom_id":"${customId}","response":{"status_code":400,` +
    `"request_id":"${hex(uniform, 32)}","body":{"error":{"message":"${message}",` +
    `"type":"invalid_request_error","param":null,"code":null}}},"error":null}`
  );
}
