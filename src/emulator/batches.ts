// The Batches API: create (with the checks that make a batch fail later: bad lines, the enqueued
// token limit; and how long its output files live), retrieve (which steps the batch when auto-advance
// is on), list, cancel.
import { BatchRecord, type BatchEnvironment, type BatchObject, type BatchPlan } from './batch.js';
import { DEFAULT_EXPIRY_SECONDS, expirySeconds, jsonPolicy } from './expiry.js';
import type { FileStore } from './files.js';
import { ApiError, parseJsonObject, type Route } from './http.js';
import { cursorPage, type ListPage } from './list.js';
import { parseRequestFile, type BatchError, type EmbeddingRequest } from './requests.js';
import { requestTokens } from './results.js';

/** What an expiry predicate sees of a batch being created. */
export interface NewBatch {
  /** Creation order, from 0. */
  index: number;
  metadata: Record<string, string> | null;
  requests: readonly EmbeddingRequest[];
}

export interface BatchesConfig {
  env: BatchEnvironment;
  files: FileStore;
  nextId: (prefix: string) => string;
  enqueuedTokenLimit: number | null;
  willExpire: (batch: NewBatch) => boolean;
  autoAdvance: () => boolean;
}

const ENQUEUED: ReadonlySet<string> = new Set(['validating', 'in_progress', 'finalizing']);

export class BatchStore {
  /** All batches in creation order. */
  readonly batches = new Map<string, BatchRecord>();

  constructor(private readonly config: BatchesConfig) {}

  get(id: string): BatchRecord {
    const batch = this.batches.get(id);
    if (!batch) throw ApiError.notFound(`No batch found with id '${id}'.`);
    return batch;
  }

  routes(): Route[] {
    return [
      { method: 'POST', pattern: /^\/v1\/batches$/, handle: (r) => ({ status: 200, json: this.create(parseJsonObject(r.body)).json }) },
      { method: 'GET', pattern: /^\/v1\/batches$/, handle: (r) => ({ status: 200, json: this.list(r.query) }) },
      { method: 'GET', pattern: /^\/v1\/batches\/([^/]+)$/, handle: (r) => ({ status: 200, json: this.retrieve(r.params[0]).json }) },
      { method: 'POST', pattern: /^\/v1\/batches\/([^/]+)\/cancel$/, handle: (r) => ({ status: 200, json: this.cancel(r.params[0]).json }) },
    ];
  }

  private create(body: Record<string, unknown>): BatchRecord {
    const { input_file_id: inputFileId, endpoint, completion_window: window } = body;
    if (typeof inputFileId !== 'string') throw ApiError.invalid("Missing required parameter: 'input_file_id'.", 'input_file_id');
    if (endpoint !== '/v1/embeddings') throw ApiError.invalid(`Invalid value for 'endpoint': ${JSON.stringify(endpoint)}. The vecfill emulator runs /v1/embeddings batches only.`, 'endpoint');
    if (window !== '24h') throw ApiError.invalid(`Invalid value for 'completion_window': ${JSON.stringify(window)}. Supported values are: '24h'.`, 'completion_window');
    const metadata = checkMetadata(body.metadata);
    const outputExpiresAfter = expirySeconds(jsonPolicy(body.output_expires_after, 'output_expires_after'), 'output_expires_after');
    const file = this.config.files.get(inputFileId);
    if (file.purpose !== 'batch') throw ApiError.invalid(`The input file must have purpose 'batch', not '${file.purpose}'.`, 'input_file_id');

    const index = this.batches.size;
    const plan = this.plan(parseRequestFile(file.content, endpoint), { index, metadata }, outputExpiresAfter ?? DEFAULT_EXPIRY_SECONDS);
    const batch = new BatchRecord(this.config.nextId('batch_'), index, inputFileId, metadata, plan, this.config.env);
    this.batches.set(batch.json.id, batch);
    return batch;
  }

  private plan(parsed: { requests: EmbeddingRequest[]; errors: BatchError[] }, batch: Omit<NewBatch, 'requests'>, outputExpiresAfter: number): BatchPlan {
    const { requests } = parsed;
    const tokens = requests.reduce((n, r) => n + requestTokens(r, this.config.env.results.countTokens), 0);
    const model = requests[0]?.model ?? null;
    const overLimit = parsed.errors.length === 0 && model !== null ? this.tokenLimitError(model, tokens) : null;
    return {
      requests,
      errors: overLimit ? [overLimit] : parsed.errors,
      willExpire: this.config.willExpire({ ...batch, requests }),
      tokens,
      model,
      outputExpiresAfter,
    };
  }

  // OpenAI counts the tokens of a model's batches still queued or running, decided when a batch is
  // created; batches already doomed to fail hold no tokens.
  private tokenLimitError(model: string, tokens: number): BatchError | null {
    const limit = this.config.enqueuedTokenLimit;
    if (limit === null) return null;
    let enqueued = 0;
    for (const b of this.batches.values()) {
      if (ENQUEUED.has(b.status) && b.plan.model === model && b.plan.errors.length === 0) enqueued += b.plan.tokens;
    }
    if (enqueued + tokens <= limit) return null;
    return {
      code: 'token_limit_exceeded',
      message: `Enqueued token limit reached for ${model} in organization org-emulated. Limit: ${limit.toLocaleString('en-US')} enqueued tokens. Please try submitting fewer tasks or wait for existing tasks to complete.`,
      param: null,
      line: null,
    };
  }

  private retrieve(id: string): BatchRecord {
    const batch = this.get(id);
    if (this.config.autoAdvance()) batch.step();
    return batch;
  }

  private list(query: URLSearchParams): ListPage<BatchObject> {
    const newestFirst = [...this.batches.values()].reverse().map((b) => b.json);
    return cursorPage(newestFirst, query, { fallback: 20, max: 100 });
  }

  private cancel(id: string): BatchRecord {
    const batch = this.get(id);
    batch.cancel();
    return batch;
  }
}

// Up to 16 string values, keys up to 64 characters, values up to 512, as the API enforces.
function checkMetadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  const invalid = (why: string) => ApiError.invalid(`Invalid 'metadata': ${why}.`, 'metadata');
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('expected an object');
  const entries = Object.entries(value);
  if (entries.length > 16) throw invalid('at most 16 keys');
  for (const [key, v] of entries) {
    if (key.length > 64) throw invalid(`key '${key.slice(0, 20)}…' is longer than 64 characters`);
    if (typeof v !== 'string') throw invalid(`the value of '${key}' must be a string`);
    if (v.length > 512) throw invalid(`the value of '${key}' is longer than 512 characters`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
