// embed-text: one text → its vector, through the synchronous embeddings endpoint (not a batch): the
// query side of a nearest-neighbour look-up (vecfill similar --text). Waited out through transient
// faults like every API call (api-retry.ts); a failure names the call and never the key.
import { ApiError } from '../errors.js';
import type { BatchApi } from './api.js';
import { retrying } from './api-retry.js';

export async function embedText(api: BatchApi, text: string, model: string, dimensions: number | undefined): Promise<number[]> {
  const doing = `embed the query text with ${model}`;
  try {
    const res = await retrying(doing, api.retry, () => api.client.embeddings.create(
      { model, input: text, encoding_format: 'float', ...(dimensions === undefined ? {} : { dimensions }) },
      { signal: api.retry.signal },
    ));
    const vector = res.data[0]?.embedding;
    if (!Array.isArray(vector)) throw new ApiError(`cannot ${doing}: the answer holds no embedding`);
    return vector;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw api.error(err, `cannot ${doing}`);
  }
}
