// The emulator's in-process handle: what it holds (the stored files and batches, the request log,
// the keys sent) and controls that move batches or inject failures without going through the API.
// They need the stores themselves, so they live beside them; `vecfill emulate` offers the part that
// options can say (steps, fault rates, expiring batches), and the tests, in-process, use all of it.
import type { Api, LoggedRequest } from './api.js';
import type { BatchObject, BatchRecord } from './batch.js';
import type { BatchStore } from './batches.js';
import type { FileStore, StoredFile } from './files.js';
import type { FaultCounts } from './faults.js';
import type { FailHow, FlakyGate, FlakyRequest } from './flaky.js';
import type { BatchError } from './requests.js';

export type { LoggedRequest };

export interface EmulatorState {
  /** Live files (uploads, outputs, error files) in creation order; `.content` holds the bytes. */
  readonly files: ReadonlyMap<string, StoredFile>;
  readonly deletedFileIds: ReadonlySet<string>;
  /** Every batch in creation order; `.json` is what the API serves, `.plan` what it will do. */
  readonly batches: ReadonlyMap<string, BatchRecord>;
  /** Every request received, in order, with the status it got (and `injected` for the faults). */
  readonly requests: readonly LoggedRequest[];
  /** The faults injected so far (options.flaky, failNext, options.faults), as the request log has them. */
  readonly faults: FaultCounts;
  /** Fails requests on purpose: flaky.failNext(count, match?, how?) fails the next `count` requests
   *  that `match` picks, as `how` says (status, retry headers, after handling, dropped, cut). */
  readonly flaky: Pick<FlakyGate, 'failNext'>;
  /** Bearer tokens the clients sent. */
  readonly apiKeys: ReadonlySet<string>;
  /** Whether GET /v1/batches/:id steps the batch. Off: batches move only by the controls below. */
  autoAdvance: boolean;
  /** Steps one batch (as `steps` GETs would) and returns it as served. */
  advance(batchId: string, steps?: number): BatchObject;
  /** Runs every unfinished batch to its end. */
  advanceAll(): void;
  /** Fails an unfinished batch now, with this error (default code "server_error"). */
  failBatch(batchId: string, error?: Partial<BatchError>): BatchObject;
  /** Expires an unfinished batch now, with partial output if it was running. */
  expireBatch(batchId: string): BatchObject;
  /** flaky.failNext under its older name: by default, HTTP 500 before the request is handled. */
  failNextRequests(count: number, match?: (request: FlakyRequest) => boolean, how?: FailHow): void;
  /** A stored file's content as text (throws on unknown ids). */
  fileText(fileId: string): string;
}

export function controls(parts: {
  files: FileStore;
  batches: BatchStore;
  api: Api;
  flaky: FlakyGate;
  getAutoAdvance: () => boolean;
  setAutoAdvance: (on: boolean) => void;
}): EmulatorState {
  const { files, batches, api, flaky } = parts;
  return {
    files: files.files,
    deletedFileIds: files.deletedIds,
    batches: batches.batches,
    requests: api.log,
    get faults() {
      return api.faultCounts();
    },
    flaky: { failNext: (count, match, how) => flaky.failNext(count, match, how) },
    apiKeys: api.apiKeys,
    get autoAdvance() {
      return parts.getAutoAdvance();
    },
    set autoAdvance(on: boolean) {
      parts.setAutoAdvance(on);
    },
    advance(batchId, steps = 1) {
      const batch = batches.get(batchId);
      for (let i = 0; i < steps; i++) batch.step();
      return batch.json;
    },
    advanceAll() {
      for (const batch of batches.batches.values()) batch.runToEnd();
    },
    failBatch(batchId, error = {}) {
      const batch = batches.get(batchId);
      batch.fail([{ code: 'server_error', message: 'The batch failed (failed on purpose through the emulator\'s controls).', param: null, line: null, ...error }]);
      return batch.json;
    },
    expireBatch(batchId) {
      const batch = batches.get(batchId);
      batch.expire();
      return batch.json;
    },
    failNextRequests(count, match, how) {
      flaky.failNext(count, match, how);
    },
    fileText(fileId) {
      return files.get(fileId).text();
    },
  };
}
