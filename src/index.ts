// The library API: what the CLI itself uses.
export { ingest, type IngestOptions, type IngestSummary } from './ingest/ingest.js';
export { fileSource, streamSource, type InputSource } from './ingest/sources.js';
export { resolveTarget, type Target, type TargetSpec } from './db/target.js';
export { parseQualifiedName, quoteIdent, quoteQualified } from './db/identifiers.js';
export * from './errors.js';
export { scanNumber } from './ingest/floats.js';
export type { RejectRecord } from './ingest/rejects.js';
export type { ProgressListener, ProgressCounts } from './ingest/progress.js';
