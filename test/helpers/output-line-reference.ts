// The reference for the byte reader (src/ingest/decode.ts): the README's rules for an output line ("What
// it reads", "Rejects") applied to what JSON.parse reads. Written from the README, not from the reader:
// where the README leaves an order open (which of two problems a line is rejected for), the order is
// stated here, and the reader must follow it.

/** pgvector's limit for vector and halfvec, and the float32 magnitude where halfvec rounds to infinity. */
export const MAX_DIMS = 16000;
export const HALF_LIMIT = 65520;

export interface Verdict {
  /** undefined: the line is applied. */
  code: string | undefined;
  customId: string | undefined;
  tokens: number;
  /** The vector's float32 values (their exact bits) when applied. */
  values: Float32Array | undefined;
}

/** Lines the reader skips without a word: empty, or only spaces, tabs and CRs. */
export function isBlank(line: string): boolean {
  return /^[ \t\r]*$/.test(line);
}

/** An own property (JSON.parse gives plain objects: "__proto__" or "constructor" are own keys or absent). */
function own(x: unknown, key: string): unknown {
  return isObject(x) && Object.hasOwn(x, key) ? (x as Record<string, unknown>)[key] : undefined;
}

function isObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The verdict on one non-blank line (without its line ending), for a vector column (halfvec false) or
 * a halfvec column. In order: not JSON → malformed_json; not an object → not_an_output_line; no string
 * custom_id → missing_custom_id; then a response object decides (status_code ≠ 200 → http_error; data
 * not a non-empty array → no_embedding; more than one item → multiple_embeddings; data[0].embedding
 * neither a number array nor a string → no_embedding; else the embedding's first problem); without
 * one, an error object gives its code (not_executed when the code is no plain lower-case name); else
 * not_an_output_line.
 */
export function referenceVerdict(line: string, halfvec: boolean): Verdict {
  const verdict: Verdict = { code: undefined, customId: undefined, tokens: 0, values: undefined };
  const reject = (code: string): Verdict => ({ ...verdict, code });
  let root: unknown;
  try {
    root = JSON.parse(line);
  } catch {
    return reject('malformed_json');
  }
  if (!isObject(root)) return reject('not_an_output_line');
  const customId = own(root, 'custom_id');
  if (typeof customId === 'string') verdict.customId = customId;
  const response = own(root, 'response');
  const body = own(response, 'body');
  const tokens = own(own(body, 'usage'), 'total_tokens');
  if (typeof tokens === 'number') verdict.tokens = tokens;
  if (verdict.customId === undefined) return reject('missing_custom_id');

  if (isObject(response)) {
    if (own(response, 'status_code') !== 200) return reject('http_error');
    const data = own(body, 'data');
    if (!Array.isArray(data) || data.length === 0) return reject('no_embedding');
    if (data.length > 1) return reject('multiple_embeddings');
    const embedding = own(data[0], 'embedding');
    const limit = halfvec ? HALF_LIMIT : Infinity;
    let values: Float32Array;
    if (Array.isArray(embedding)) {
      values = new Float32Array(Math.min(embedding.length, MAX_DIMS));
      for (let k = 0; k < embedding.length; k++) {
        const x: unknown = embedding[k];
        if (typeof x !== 'number') return reject('not_a_number');
        if (k >= MAX_DIMS) return reject('dimension_mismatch');
        values[k] = Math.fround(x);
        const problem = rangeProblem(values[k], limit);
        if (problem) return reject(problem);
      }
    } else if (typeof embedding === 'string') {
      // Standard base64 (RFC 4648 §4): the alphabet, '=' padding only where it belongs. Little-endian
      // float32 bytes, kept bit for bit (a NaN's payload included).
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(embedding)) return reject('bad_base64');
      const bytes = Uint8Array.from(atob(embedding), (ch) => ch.charCodeAt(0));
      if (bytes.length % 4 !== 0) return reject('bad_base64');
      if (bytes.length / 4 > MAX_DIMS) return reject('dimension_mismatch');
      values = new Float32Array(bytes.buffer);
      for (const f of values) {
        const problem = rangeProblem(f, limit);
        if (problem) return reject(problem);
      }
    } else {
      return reject('no_embedding');
    }
    return { ...verdict, values };
  }
  const error = own(root, 'error');
  if (isObject(error)) {
    const code = own(error, 'code');
    return reject(typeof code === 'string' && /^[a-z0-9_]{1,64}$/.test(code) ? code : 'not_executed');
  }
  return reject('not_an_output_line');
}

function rangeProblem(f: number, limit: number): string | undefined {
  if (Math.abs(f) < limit) return undefined;
  return Number.isFinite(f) ? 'halfvec_range' : 'not_finite';
}

/** How deeply arrays and objects nest in a JSON text (the reader may refuse beyond its limit). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (inString) {
      if (c === '\\') k++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}
