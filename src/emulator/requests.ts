// Reading a batch input file: one request per JSONL line, checked the way the Batch API's
// validation step checks it. Any error fails the whole batch, with the offending line numbers. The
// body's parameters are checked when a request runs (results.ts): a bad one fails that request alone.
import { embeddingInputs, type EmbeddingInput } from './inputs.js';

export interface EmbeddingRequest {
  /** 1-based line number in the input file. */
  line: number;
  customId: string;
  model: string;
  /** body.input as a list (a string or one token array is a list of one); null when body.input is
   *  none of the shapes the API takes: the request fails with HTTP 400 when it runs. */
  inputs: EmbeddingInput[] | null;
  /** body.dimensions and body.encoding_format as sent; checked when the request runs. */
  dimensions: unknown;
  encodingFormat: unknown;
}

export interface BatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** The Batch API's cap on embedding inputs across all requests of one batch. */
export const MAX_EMBEDDING_INPUTS = 50_000;

export function parseRequestFile(content: Buffer, endpoint: string): { requests: EmbeddingRequest[]; errors: BatchError[] } {
  const lines = content.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop(); // the newline that ends the last line
  const requests: EmbeddingRequest[] = [];
  const errors: BatchError[] = [];
  const seen = new Set<string>();
  for (const [i, text] of lines.entries()) {
    const parsed = parseLine(text, i + 1, endpoint);
    if ('code' in parsed) {
      errors.push(parsed);
      continue;
    }
    const conflict = conflictWith(parsed, seen, requests[0]);
    if (conflict) {
      errors.push(conflict);
      continue;
    }
    seen.add(parsed.customId);
    requests.push(parsed);
  }
  return { requests, errors: errors.length > 0 ? errors : fileErrors(requests) };
}

// A request can be fine on its own and still clash with the ones before it.
function conflictWith(request: EmbeddingRequest, seen: Set<string>, first: EmbeddingRequest | undefined): BatchError | null {
  if (seen.has(request.customId)) {
    return lineError(request.line, 'duplicate_custom_id', 'The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.', 'custom_id');
  }
  if (first && request.model !== first.model) {
    return lineError(request.line, 'mismatched_model', `The model of this request ("${request.model}") differs from the model of the first request ("${first.model}"). A batch may use one model only.`, 'body.model');
  }
  return null;
}

function fileErrors(requests: EmbeddingRequest[]): BatchError[] {
  if (requests.length === 0) {
    return [{ code: 'empty_file', message: 'The batch input file is empty. Please ensure that the batch contains at least one request.', param: null, line: null }];
  }
  const inputs = requests.reduce((n, r) => n + (r.inputs?.length ?? 0), 0);
  if (inputs > MAX_EMBEDDING_INPUTS) {
    return [{ code: 'too_many_inputs', message: `The batch has ${inputs} embedding inputs; /v1/embeddings batches are limited to ${MAX_EMBEDDING_INPUTS}.`, param: null, line: null }];
  }
  return [];
}

function parseLine(text: string, line: number, endpoint: string): EmbeddingRequest | BatchError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isObject(value)) return lineError(line, 'invalid_json_line', 'This line is not parseable as valid JSON.');
  const { custom_id: customId, method, url, body } = value;
  if (typeof customId !== 'string' || customId === '') return missing(line, 'custom_id');
  if (method !== 'POST') return lineError(line, 'invalid_method', 'The method of this request must be POST.', 'method');
  if (url !== endpoint) return lineError(line, 'invalid_url', `The URL of this request does not match the batch endpoint ${endpoint}.`, 'url');
  if (!isObject(body)) return missing(line, 'body');
  if (typeof body.model !== 'string' || body.model === '') return missing(line, 'body.model');
  if (body.input === undefined || body.input === null) return missing(line, 'body.input');
  return { line, customId, model: body.model, inputs: embeddingInputs(body.input), dimensions: body.dimensions, encodingFormat: body.encoding_format };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missing(line: number, param: string): BatchError {
  return lineError(line, 'missing_required_parameter', `Missing required parameter: '${param}'.`, param);
}

function lineError(line: number, code: string, message: string, param: string | null = null): BatchError {
  return { code, message, param, line };
}
