// api: every call vecfill makes to the Files and Batches API, each waited out through transient faults
// (api-retry.ts) within the call's budget, and each failure turned into a message that says what was
// being done and never shows the key (openai.ts). The SDK's own retries are off (openai.ts): they
// would not cover a streamed upload or a download cut half-way, and they retry without a word.
import OpenAI from 'openai';
import type { Batch, BatchCreateParams } from 'openai/resources/batches';
import type { FileObject } from 'openai/resources/files';
import { createReadStream } from 'node:fs';
import { ApiError } from '../errors.js';
import { apiError, redactSecrets } from './openai.js';
import { COMMAND_RETRY_FOR_MS, RetriesSpent, RetryClock, retrying, statusOf, TransientError, type RetryOptions } from './api-retry.js';

export interface BatchApiOptions extends Partial<RetryOptions> {
  /** Where OPENAI_API_KEY is read, to keep it out of messages (default process.env). */
  env?: NodeJS.ProcessEnv;
}

const DELETE_RETRY_FOR_MS = 60_000;

/** How far back a batch that a failed create may have made is looked for. */
const CREATE_LOOK_BACK_SECONDS = 3600;

export class BatchApi {
  readonly retry: RetryOptions;
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly client: OpenAI, opts: BatchApiOptions = {}) {
    this.env = opts.env ?? process.env;
    const log = opts.log;
    this.retry = {
      retryForMs: opts.retryForMs ?? COMMAND_RETRY_FOR_MS,
      log: log && ((line) => log(redactSecrets(line, this.env))),
      signal: opts.signal,
      backoffBaseMs: opts.backoffBaseMs,
    };
  }

  /** The same API with another signal (a run's calls stop with the run). */
  withSignal(signal: AbortSignal | undefined): BatchApi {
    const api = new BatchApi(this.client, { ...this.retry, env: this.env });
    api.retry.signal = signal;
    return api;
  }

  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await retrying(doing, this.retry, fn);
    } catch (err) {
      throw this.error(err, `cannot ${doing}`);
    }
  }

  /** The error a failed call throws: the caller's abort reason as it is, else an ApiError saying
   *  what was done, how long it was retried and the request id, never the key. */
  error(err: unknown, doing: string): Error {
    if (this.retry.signal?.aborted && err === this.retry.signal.reason) return err as Error;
    if (err instanceof RetriesSpent) {
      const e = apiError(err.cause, doing, this.env);
      return new ApiError(`${e.message} (${err.detail})`, e.status, true, e.requestId);
    }
    return apiError(err, doing, this.env);
  }

  /** Uploads a request file, streamed from disk; each try opens the file anew. */
  upload(path: string): Promise<FileObject> {
    return this.call(`upload ${path}`, () => this.client.files.create({ file: createReadStream(path), purpose: 'batch' }));
  }

  /**
   * Creates a batch. A create that failed on the way may have gone through before it failed (a timeout,
   * a connection lost before the answer): before trying again, the batch list is searched for a batch
   * made from the same input file, so a batch is never created, and paid for, twice. `what` names the
   * input in messages.
   */
  async createBatch(params: BatchCreateParams, what: string = params.input_file_id): Promise<Batch> {
    const doing = `create a batch from ${what}`;
    const clock = new RetryClock(doing, this.retry);
    const since = Date.now() / 1000 - CREATE_LOOK_BACK_SECONDS;
    for (;;) {
      try {
        return await this.client.batches.create(params);
      } catch (err) {
        try {
          await clock.wait(err);
        } catch (final) {
          throw this.error(final, `cannot ${doing}`);
        }
      }
      const made = await this.findBatch((b) => b.input_file_id === params.input_file_id, since);
      if (made) {
        this.retry.log?.(`${doing}: the earlier try went through after all (${made.id}); using it`);
        return made;
      }
    }
  }

  retrieveBatch(id: string): Promise<Batch> {
    return this.call(`retrieve batch ${id}`, () => this.client.batches.retrieve(id));
  }

  /** Cancels a batch; `cancelled` is false when it had already ended (the API answers 409, the SDK's
   *  ConflictError; 400 from servers that predate it). */
  async cancelBatch(id: string): Promise<{ batch: Batch; cancelled: boolean }> {
    const doing = `cancel batch ${id}`;
    const clock = new RetryClock(doing, this.retry);
    for (;;) {
      try {
        return { batch: await this.client.batches.cancel(id), cancelled: true };
      } catch (err) {
        if (statusOf(err) === 400 || statusOf(err) === 409) return { batch: await this.retrieveBatch(id), cancelled: false };
        try {
          await clock.wait(err);
        } catch (final) {
          throw this.error(final, `cannot ${doing}`);
        }
      }
    }
  }

  /** The organization's batches, newest first, page by page (each page waited out on its own). */
  async *listBatches(): AsyncGenerator<Batch> {
    let page = await this.call('list batches', () => this.client.batches.list({ limit: 100 }));
    for (;;) {
      yield* page.getPaginatedItems();
      if (!page.hasNextPage()) return;
      const current = page;
      page = await this.call('list batches', () => current.getNextPage());
    }
  }

  /** The newest batch created since `since` (Unix seconds) that `match` picks. */
  async findBatch(match: (b: Batch) => boolean, since: number): Promise<Batch | undefined> {
    for await (const b of this.listBatches()) {
      if (b.created_at < since) return undefined;
      if (match(b)) return b;
    }
    return undefined;
  }

  /**
   * A file's bytes as they arrive. The request is waited out like any call; a download that breaks
   * once bytes flow cannot be resumed here (its reader has consumed them), so it throws a
   * TransientError and the caller starts over (an ingest rolls back and downloads again).
   */
  async *download(fileId: string): AsyncGenerator<Uint8Array> {
    const res = await this.call(`download file ${fileId}`, () => this.client.files.content(fileId));
    if (!res.body) return;
    const requestId = res.headers.get('x-request-id') ?? undefined;
    let bytes = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        yield chunk;
      }
    } catch (err) {
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw new TransientError(redactSecrets(`the download of file ${fileId} broke off after ${bytes} bytes (${cause})`, this.env), requestId);
    }
  }

  /** Deletes a file; false when it was already gone. A delete is housekeeping: it gets at most a minute
   *  of retries, never a long run's whole budget. */
  async deleteFile(id: string): Promise<boolean> {
    const retry = { ...this.retry, retryForMs: Math.min(this.retry.retryForMs, DELETE_RETRY_FOR_MS) };
    try {
      await retrying(`delete file ${id}`, retry, () => this.client.files.delete(id));
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw this.error(err, `cannot delete file ${id}`);
    }
  }
}
