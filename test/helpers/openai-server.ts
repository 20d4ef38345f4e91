// The tests' OpenAI: vecfill's own emulator (src/emulator), under the names the tests know it by.
// expectedEmbedding(text, dims) is the vector it returns for that text, to compare stored vectors with.
export {
  startEmulator as startOpenAIServer,
  emulatedEmbedding as expectedEmbedding,
  float32Base64,
  formatFloat32,
  EMBEDDING_MODELS,
  MAX_INPUT_TOKENS,
} from '../../src/emulator/index.js';
export type {
  Emulator as OpenAIServer,
  EmulatorOptions as OpenAIServerOptions,
  EmulatorState as OpenAIServerState,
  BatchError,
  BatchObject,
  BatchPhase,
  BatchStatus,
  EmbeddingRequest,
  FailHow,
  FaultCounts,
  FileObject,
  FlakyRequest,
  FlakyRule,
  LoggedRequest,
  NewBatch,
  RandomFaultOptions,
  StoredFile,
} from '../../src/emulator/index.js';
