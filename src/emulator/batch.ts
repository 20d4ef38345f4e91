// One batch's life: validating → in_progress → finalizing → completed, or failed / expired /
// cancelling → cancelled. It moves only when stepped (a client's GET, or a control), never by the
// clock: a client sees every phase in order however fast or slow it polls, and a test is instant and
// exactly repeatable.
import type { StoredFile } from './files.js';
import { ApiError } from './http.js';
import { LABEL_FIELD, resultFileName } from './label.js';
import { idMaker, seededRandom, shuffled } from './random.js';
import type { BatchError, EmbeddingRequest } from './requests.js';
import { notRunLine, outcomeOf, resultLine, type ResultContext } from './results.js';

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';
/** The states a batch passes through; the others are final. */
export type Phase = 'validating' | 'in_progress' | 'finalizing' | 'cancelling';
const PHASES: ReadonlySet<BatchStatus> = new Set(['validating', 'in_progress', 'finalizing', 'cancelling']);

/** A batch as the API serves it (unset fields are null, as OpenAI sends them: the spec's own example
 *  answers show it; `model` is left out until known, as the spec allows), labelled as emulated. */
export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  errors: { object: 'list'; data: BatchError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
  model?: string;
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
  [LABEL_FIELD]: true;
}

/** What the batch will do, decided when it is created. */
export interface BatchPlan {
  requests: EmbeddingRequest[];
  /** Non-empty: the batch fails when validation ends (bad lines, enqueued token limit). */
  errors: BatchError[];
  willExpire: boolean;
  tokens: number;
  model: string | null;
  /** Seconds the output and error files live from when they are written (output_expires_after). */
  outputExpiresAfter: number;
}

export interface BatchEnvironment {
  seed: string | number;
  steps: Record<Phase, number>;
  /** Share of the requests that ran when a batch expires or is cancelled mid-run. */
  partialFraction: number;
  now: () => number;
  results: ResultContext;
  /** Stores an output or error file that expires `expiresAfter` seconds after it is written. */
  writeFile: (filename: string, render: () => Buffer, expiresAfter: number) => StoredFile;
}

type Ending = 'completed' | 'expired' | 'cancelled';

export class BatchRecord {
  readonly json: BatchObject;
  private stepsTaken = 0;
  /** How many requests will have run by the time a cancelled batch ends. */
  private ranBeforeCancel = 0;

  constructor(
    id: string,
    /** Creation order, from 0. */
    readonly index: number,
    inputFileId: string,
    metadata: Record<string, string> | null,
    readonly plan: BatchPlan,
    private readonly env: BatchEnvironment,
  ) {
    const createdAt = env.now();
    this.json = {
      id, object: 'batch', endpoint: '/v1/embeddings', errors: null, input_file_id: inputFileId,
      completion_window: '24h', status: 'validating', output_file_id: null, error_file_id: null,
      created_at: createdAt, in_progress_at: null, expires_at: createdAt + 24 * 3600, finalizing_at: null,
      completed_at: null, failed_at: null, expired_at: null, cancelling_at: null, cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 }, metadata,
      usage: { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 },
      [LABEL_FIELD]: true,
    };
  }

  /** The custom_ids of the requests that ran (were embedded or refused), once the batch has ended. */
  ran: string[] = [];

  get status(): BatchStatus {
    return this.json.status;
  }

  get finished(): boolean {
    return !PHASES.has(this.status);
  }

  /** One step; a phase configured with 0 steps is passed through on the same step. */
  step(): void {
    if (this.finished) return;
    this.stepsTaken++;
    while (!this.finished && this.stepsTaken >= this.env.steps[this.status as Phase]) {
      this.stepsTaken = 0;
      this.leave(this.status as Phase);
    }
  }

  runToEnd(): void {
    while (!this.finished) this.step();
  }

  cancel(): void {
    const { status } = this;
    if (status === 'cancelling') return;
    // 409, as the API answers (the SDK's ConflictError): the batch is in a state that forbids it.
    if (this.finished) throw new ApiError(409, `Cannot cancel a batch with status '${status}'.`);
    const total = this.plan.requests.length;
    this.ranBeforeCancel = status === 'validating' ? 0 : status === 'finalizing' ? total : this.partialCount();
    this.enter('cancelling');
    this.json.cancelling_at = this.env.now();
  }

  fail(errors: BatchError[]): void {
    if (this.finished) throw new Error(`batch ${this.json.id} is already ${this.status}`);
    this.enter('failed');
    this.json.failed_at = this.env.now();
    this.json.errors = { object: 'list', data: errors };
  }

  expire(): void {
    if (this.finished) throw new Error(`batch ${this.json.id} is already ${this.status}`);
    this.end('expired', this.status === 'validating' ? 0 : this.partialCount());
  }

  private leave(phase: Phase): void {
    const total = this.plan.requests.length;
    if (phase === 'validating') {
      if (this.plan.errors.length > 0) return this.fail(this.plan.errors);
      this.enter('in_progress');
      this.json.in_progress_at = this.env.now();
      if (this.plan.model !== null) this.json.model = this.plan.model;
      this.json.request_counts.total = total;
    } else if (phase === 'in_progress') {
      if (this.plan.willExpire) return this.expire();
      this.enter('finalizing');
      this.json.finalizing_at = this.env.now();
    } else if (phase === 'finalizing') {
      this.end('completed', total);
    } else {
      this.end('cancelled', this.ranBeforeCancel);
    }
  }

  private enter(status: BatchStatus): void {
    this.json.status = status;
    this.stepsTaken = 0;
  }

  private partialCount(): number {
    return Math.floor(this.plan.requests.length * this.env.partialFraction);
  }

  // The first `ran` requests in a seeded processing order ran (their results: output file for 200s,
  // error file for the rest); the others never ran and are reported as batch_expired/cancelled.
  // Output follows the processing order, so it is never the input order.
  private end(ending: Ending, ran: number): void {
    const { requests } = this.plan;
    const order = shuffled(requests.map((_, i) => i), seededRandom(`${this.env.seed}:order:${this.json.id}`));
    const outcomes = order.slice(0, ran).map((i) => ({ request: requests[i], outcome: outcomeOf(requests[i], this.env.results) }));
    this.ran = outcomes.map((o) => o.request.customId);
    const succeeded = outcomes.filter((o) => o.outcome.ok);
    const refused = outcomes.filter((o) => !o.outcome.ok);
    const notRun = order.slice(ran).map((i) => requests[i]);
    const notRunCode = ending === 'cancelled' ? 'batch_cancelled' : 'batch_expired';
    const id = this.json.id;

    // Rendered afresh on each read (files.ts), so each render starts its ids from the seed again.
    const output = () => {
      const ids = idMaker(`${this.env.seed}:${id}:output`);
      return jsonl(succeeded.map((o) => resultLine(o.request, o.outcome, ids)));
    };
    const errors = () => {
      const ids = idMaker(`${this.env.seed}:${id}:error`);
      return jsonl([...refused.map((o) => resultLine(o.request, o.outcome, ids)), ...notRun.map((r) => notRunLine(r, notRunCode, ids))]);
    };
    const life = this.plan.outputExpiresAfter;
    this.json.output_file_id = succeeded.length > 0 ? this.env.writeFile(resultFileName(id, 'output'), output, life).id : null;
    this.json.error_file_id = refused.length + notRun.length > 0 ? this.env.writeFile(resultFileName(id, 'error'), errors, life).id : null;

    // Requests that never ran count as neither completed nor failed, so completed + failed < total
    // tells a reader the error file holds more than refusals.
    const tokens = succeeded.reduce((n, o) => n + o.outcome.tokens, 0);
    this.json.request_counts = { total: requests.length, completed: succeeded.length, failed: refused.length };
    this.json.usage = { ...this.json.usage, input_tokens: tokens, total_tokens: tokens };
    this.enter(ending);
    this.json[`${ending}_at`] = this.env.now();
  }
}

// Line by line into one Buffer: 50,000 lines of 3072 floats are more than a string can hold.
function jsonl(lines: string[]): Buffer {
  const newline = Buffer.from('\n');
  return Buffer.concat(lines.flatMap((line) => [Buffer.from(line, 'utf8'), newline]));
}
