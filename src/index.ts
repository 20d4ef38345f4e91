// The library API: what the CLI itself calls. Each command of the CLI is one function here, with a
// typed options object and a typed summary; the knobs vecfill's own modules pass one another (segment
// sizes, a shared BatchApi, the ledger's hook before COMMIT) stay out of these types.

// Output files → the table.
export { ingest, type IngestOptions, type IngestSummary } from './ingest/ingest.js';
export { createIngestStream, type IngestStream, type IngestStreamOptions } from './ingest/ingest-stream.js';
export { fileSource, streamSource, type IngestInput, type InputSource } from './ingest/sources.js';
export type { RejectRecord } from './ingest/rejects.js';
export type { ProgressListener, ProgressCounts } from './ingest/progress.js';
export type { IndexMode, VectorIndex } from './ingest/vector-indexes.js';
export type { StagingMode } from './ingest/unlogged-staging.js';

// The Batch API round trip.
export type { ApiOptions } from './batch/api-options.js';
export { prepare, type PrepareOptions, type PrepareSummary, type RowList } from './batch/prepare.js';
export type { WrittenFile } from './batch/request-files.js';
export { submit, type SubmitOptions, type SubmitSummary, type SubmittedBatch } from './batch/submit.js';
export { status, type StatusOptions, type StatusSummary, type BatchStatus } from './batch/status.js';
export { cancel, type CancelOptions, type CancelSummary, type CancelResult } from './batch/cancel.js';
export { retry, type RetryOptions } from './batch/retry.js';
export { run, type RunOptions, type RunSummary } from './batch/run.js';
export { ingestBatch, type IngestBatchOptions, type BatchIngestResult, type BatchIngestOutcome } from './batch/ingest-batch.js';
export { similar, type SimilarOptions, type SimilarResult, type Neighbour } from './batch/similar.js';

// The database, and SQL names.
export type { DbInput } from './db/open.js';
export type { Db } from './db/db.js';
export type { TargetSpec } from './db/target.js';
export { parseQualifiedName, quoteIdent, quoteQualified } from './db/identifiers.js';

// Errors, each with a stable `code`.
export * from './errors.js';
