// models: what vecfill knows of each embedding model: its output size, whether `dimensions` may shorten
// it, its input limit and its Batch API price. The check that the column can hold what the model
// returns lives here, because it must run before anything is written, uploaded or paid for.
import { DimensionError, UsageError } from '../errors.js';

export interface EmbeddingModel {
  dims: number;
  /** Whether the API takes `dimensions` for this model. */
  shortenable: boolean;
  /** US dollars per 1M input tokens at Batch API prices (half the synchronous price). */
  batchPricePerMillion: number;
}

export const MODELS: Record<string, EmbeddingModel> = {
  'text-embedding-3-small': { dims: 1536, shortenable: true, batchPricePerMillion: 0.01 },
  'text-embedding-3-large': { dims: 3072, shortenable: true, batchPricePerMillion: 0.065 },
  'text-embedding-ada-002': { dims: 1536, shortenable: false, batchPricePerMillion: 0.05 },
};

export const DEFAULT_MODEL = 'text-embedding-3-small';
/** Every one of these models takes at most this many tokens per input. */
export const MAX_INPUT_TOKENS = 8192;

export function modelInfo(model: string): EmbeddingModel {
  const info = MODELS[model];
  if (!info) throw new UsageError(`unknown model ${JSON.stringify(model)}; vecfill knows ${Object.keys(MODELS).join(', ')}`);
  return info;
}

/** The size of the vectors the model will return with these options (a usage error if it cannot). */
export function outputDims(model: string, dimensions: number | undefined): number {
  const info = modelInfo(model);
  if (dimensions === undefined) return info.dims;
  if (!info.shortenable) throw new UsageError(`${model} does not take --dimensions (it always returns ${info.dims}); leave it out or use text-embedding-3-small/-large`);
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > info.dims) {
    throw new UsageError(`--dimensions must be an integer from 1 to ${info.dims} for ${model}`);
  }
  return dimensions;
}


/** Refuses a model whose vectors the column cannot hold, naming both sizes and the fixes. */
export function checkDimensions(column: { name: string; type: string; dims: number | null }, model: string, dimensions: number | undefined): number {
  const dims = outputDims(model, dimensions);
  if (column.dims !== null && column.dims !== dims) {
    const fix = MODELS[model].shortenable && column.dims <= MODELS[model].dims
      ? `pass --dimensions ${column.dims}`
      : `choose a model that returns ${column.dims} (${Object.entries(MODELS).filter(([, m]) => m.dims === column.dims || (m.shortenable && m.dims >= column.dims!)).map(([name]) => name).join(', ') || 'none known'})`;
    throw new DimensionError(`column ${column.name} is ${column.type} but ${model} returns ${dims} dimensions` +
      `${dimensions === undefined ? '' : ' (--dimensions)'}; ${fix}, or change the column`);
  }
  return dims;
}

/** Dollars for this many input tokens at batch prices. */
export function estimateCost(model: string, tokens: number): number {
  return (tokens / 1_000_000) * modelInfo(model).batchPricePerMillion;
}

/** Dollars, with enough digits to show small estimates. */
export function dollars(x: number): string {
  if (x === 0) return '$0';
  if (x < 0.0001) return '<$0.0001';
  return x < 1 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`;
}
