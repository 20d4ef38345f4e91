// What happens to one request of a batch, and the output or error line that reports it. Outcomes
// are decided up front (cheap); the vectors are only computed when a result file is read.
import { emulatedEmbedding } from './embedding.js';
import { float32Base64, formatFloat32 } from './float32-text.js';
import { INVALID_INPUT, inputText, inputTokens, type EmbeddingInput } from './inputs.js';
import { LABEL_FIELD } from './label.js';
import { pythonJson, RawJson, type PyValue } from './python-json.js';
import type { EmbeddingRequest } from './requests.js';

export interface Markers {
  /** An input containing it is refused: HTTP 400 in the error file. */
  refuse: string;
  /** HTTP 429 in the error file. */
  rateLimit: string;
  /** HTTP 500 in the error file. */
  serverError: string;
}

export interface ResultContext {
  markers: Markers;
  countTokens: (text: string) => number;
}

export interface ErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export type Outcome =
  | { ok: true; dims: number; format: 'float' | 'base64'; tokens: number }
  | { ok: false; status: number; error: ErrorBody; tokens: number };

/** Output dimension of each embedding model, and whether `dimensions` may shorten it. */
export const EMBEDDING_MODELS: Record<string, { dims: number; shortenable: boolean }> = {
  'text-embedding-3-small': { dims: 1536, shortenable: true },
  'text-embedding-3-large': { dims: 3072, shortenable: true },
  'text-embedding-ada-002': { dims: 1536, shortenable: false },
};

export const MAX_INPUT_TOKENS = 8192;

/** The most tokens one request may hold across its inputs. */
export const MAX_REQUEST_TOKENS = 300_000;

export function requestTokens(request: EmbeddingRequest, countTokens: (text: string) => number): number {
  return (request.inputs ?? []).reduce((n, input) => n + inputTokens(input, countTokens), 0);
}

export function outcomeOf(request: EmbeddingRequest, context: ResultContext): Outcome {
  const tokens = requestTokens(request, context.countTokens);
  const refused = (status: number, error: ErrorBody): Outcome => ({ ok: false, status, error, tokens });
  // The body's shape is checked before the model is looked up.
  if (request.inputs === null) return refused(400, invalid(INVALID_INPUT, null));
  const model = EMBEDDING_MODELS[request.model];
  if (!model) {
    return refused(404, { message: `The model \`${request.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' });
  }
  const problem = parameterProblem(request, request.inputs, model, context.countTokens);
  if (problem) return refused(400, problem);
  const text = request.inputs.map(inputText).join('\n');
  const { refuse, rateLimit, serverError } = context.markers;
  if (text.includes(refuse)) {
    return refused(400, { message: `This input was refused by the vecfill emulator (it contains the refuse marker ${refuse}).`, type: 'invalid_request_error', param: null, code: null });
  }
  if (text.includes(rateLimit)) {
    return refused(429, { message: `Rate limit reached for ${request.model} on tokens per min (TPM). Please try again later.`, type: 'tokens', param: null, code: 'rate_limit_exceeded' });
  }
  if (text.includes(serverError)) {
    return refused(500, { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null });
  }
  const dims = typeof request.dimensions === 'number' ? request.dimensions : model.dims;
  return { ok: true, dims, format: request.encodingFormat === 'base64' ? 'base64' : 'float', tokens };
}

// The checks the embeddings endpoint makes on its parameters; null when the request is fine.
function parameterProblem(
  request: EmbeddingRequest,
  inputs: readonly EmbeddingInput[],
  model: { dims: number; shortenable: boolean },
  countTokens: (text: string) => number,
): ErrorBody | null {
  const { dimensions, encodingFormat } = request;
  if (encodingFormat !== undefined && encodingFormat !== 'float' && encodingFormat !== 'base64') {
    return invalid(`Invalid value for 'encoding_format': ${JSON.stringify(encodingFormat)}. Supported values are: 'float' and 'base64'.`, 'encoding_format');
  }
  if (dimensions !== undefined && !model.shortenable) {
    return invalid('This model does not support specifying dimensions.', 'dimensions');
  }
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && (dimensions as number) >= 1 && (dimensions as number) <= model.dims)) {
    return invalid(`Invalid value for 'dimensions' = ${JSON.stringify(dimensions)}. Must be an integer from 1 to ${model.dims}.`, 'dimensions');
  }
  if (inputs.some((input) => input === '')) {
    return invalid("'$.input' is invalid: an input must not be empty.", 'input');
  }
  const counts = inputs.map((input) => inputTokens(input, countTokens));
  const longest = Math.max(...counts);
  if (longest > MAX_INPUT_TOKENS) {
    return invalid(`This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${longest} tokens. Please reduce your prompt.`, 'input');
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > MAX_REQUEST_TOKENS) {
    return { message: `Requested ${total} tokens, max ${MAX_REQUEST_TOKENS} tokens per request`, type: 'max_tokens_per_request', param: null, code: 'max_tokens_per_request' };
  }
  return null;
}

function invalid(message: string, param: string | null): ErrorBody {
  return { message, type: 'invalid_request_error', param, code: null };
}

/** The line a request that ran leaves in the output file (200) or the error file (any other status). */
export function resultLine(request: EmbeddingRequest, outcome: Outcome, nextId: (prefix: string) => string): string {
  const body: PyValue = outcome.ok
    ? {
        object: 'list',
        data: request.inputs!.map((input, index) => ({ object: 'embedding', index, embedding: printedEmbedding(inputText(input), outcome) })),
        model: request.model,
        usage: { prompt_tokens: outcome.tokens, total_tokens: outcome.tokens },
      }
    : { error: { ...outcome.error } };
  const response = { status_code: outcome.ok ? 200 : outcome.status, request_id: nextId(''), body };
  return pythonJson({ id: nextId('batch_req_'), custom_id: request.customId, response, error: null, [LABEL_FIELD]: true });
}

const NOT_RUN_MESSAGES = {
  batch_expired: 'This request could not be executed before the completion window expired.',
  batch_cancelled: 'This request could not be executed because the batch was cancelled.',
};

/** The error-file line of a request that never ran because its batch expired or was cancelled. */
export function notRunLine(request: EmbeddingRequest, code: keyof typeof NOT_RUN_MESSAGES, nextId: (prefix: string) => string): string {
  const error = { code, message: NOT_RUN_MESSAGES[code] };
  return pythonJson({ id: nextId('batch_req_'), custom_id: request.customId, response: null, error, [LABEL_FIELD]: true });
}

function printedEmbedding(text: string, outcome: { dims: number; format: 'float' | 'base64' }): PyValue {
  const vector = emulatedEmbedding(text, outcome.dims);
  if (outcome.format === 'base64') return float32Base64(vector);
  return new RawJson(`[${Array.from(vector, formatFloat32).join(', ')}]`);
}
