// The synchronous embeddings endpoint, POST /v1/embeddings: one request's inputs embedded at once, with
// the same emulated vectors, checks and markers as a batch request (results.ts). For the odd query
// text (vecfill similar --text) against a table filled through the emulated Batch API: both sides then
// share the same hashed words.
import { emulatedEmbedding } from './embedding.js';
import { float32Base64 } from './float32-text.js';
import { ApiError, parseJsonObject, type Route } from './http.js';
import { embeddingInputs, inputText } from './inputs.js';
import { LABEL_FIELD } from './label.js';
import { outcomeOf, type ResultContext } from './results.js';

export function embeddingRoutes(context: ResultContext): Route[] {
  return [{ method: 'POST', pattern: /^\/v1\/embeddings$/, handle: (r) => embed(parseJsonObject(r.body), context) }];
}

function embed(body: Record<string, unknown>, context: ResultContext) {
  if (typeof body.model !== 'string' || body.model === '') throw ApiError.invalid("Missing required parameter: 'model'.", 'model');
  if (body.input === undefined || body.input === null) throw ApiError.invalid("Missing required parameter: 'input'.", 'input');
  // An input of no shape the API takes (inputs null) is answered by outcomeOf, as in a batch.
  const inputs = embeddingInputs(body.input);
  const request = { line: 1, customId: '', model: body.model, inputs, dimensions: body.dimensions, encodingFormat: body.encoding_format };
  const outcome = outcomeOf(request, context);
  if (!outcome.ok) return new ApiError(outcome.status, outcome.error.message, outcome.error.type, outcome.error.param, outcome.error.code).reply();
  const data = inputs!.map((input, index) => {
    const vector = emulatedEmbedding(inputText(input), outcome.dims);
    return { object: 'embedding', index, embedding: outcome.format === 'base64' ? float32Base64(vector) : Array.from(vector) };
  });
  const usage = { prompt_tokens: outcome.tokens, total_tokens: outcome.tokens };
  return { status: 200, json: { object: 'list', data, model: body.model, usage, [LABEL_FIELD]: true } };
}
