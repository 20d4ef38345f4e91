// The emulator's surface: the server, its vectors and how it prints them, and the types its
// options and controls use. `vecfill emulate` serves it; nothing in the layers imports it.
export { startEmulator, type Emulator, type EmulatorOptions } from './server.js';
export { emulatedEmbedding, words } from './embedding.js';
export { float32Base64, formatFloat32 } from './float32-text.js';
export { LABEL_FIELD, LABEL_HEADER } from './label.js';
export { EMBEDDING_MODELS, MAX_INPUT_TOKENS, MAX_REQUEST_TOKENS } from './results.js';
export { MAX_INPUTS } from './inputs.js';
export { UPLOAD_LIMITS, UPLOAD_PURPOSES, type UploadLimits } from './files.js';
export type { EmulatorState, LoggedRequest } from './controls.js';
export type { BatchObject, BatchStatus, Phase as BatchPhase } from './batch.js';
export type { NewBatch } from './batches.js';
export type { FileObject, FilePurpose, StoredFile } from './files.js';
export type { BatchError, EmbeddingRequest } from './requests.js';
export type { EmbeddingInput } from './inputs.js';
export type { FailHow, FlakyRule, FlakyRequest } from './flaky.js';
export type { FaultCounts, RandomFaultOptions } from './faults.js';
