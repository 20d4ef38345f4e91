// similar: the k rows nearest to one row of the table, or to a text, by cosine distance (pgvector's
// <=>): the way to check a filled column by eye. Names from the caller are quoted; the row's id goes
// in as a parameter, and a query vector crosses into SQL through the pgvector package. Each ordering
// is `column <=> value`, one fixed value for the whole scan, so an HNSW or IVFFlat index on the column
// (vector_cosine_ops) can serve it.
import pgvector from 'pgvector';
import type { Db } from '../db/db.js';
import { parseQualifiedName, quoteIdent } from '../db/identifiers.js';
import { useDb, type DbInput } from '../db/open.js';
import { sqlFile, sqlTemplate } from '../db/sql-files.js';
import { resolveTarget, type Target, type TargetSpec } from '../db/target.js';
import { TargetError, UsageError } from '../errors.js';
import { batchApi, type ApiInternals, type ApiOptions } from './api-options.js';
import { COMMAND_RETRY_FOR_MS } from './api-retry.js';
import { embedText } from './embed-text.js';
import { checkDimensions, DEFAULT_MODEL, MODELS } from './models.js';

/** What similar() takes: the target, where to start from, and (for a text) the API to embed it. */
export interface SimilarOptions extends TargetSpec, ApiOptions {
  /** A connection string (`postgres://…` or `pglite:DIR`), a connected pg client (left open), or a Db. */
  db: DbInput;
  /** The row to start from (its id as text), or… */
  id?: string;
  /** …a text, embedded through the API (`openai`, as the other calls take it) with `model` (default
   *  text-embedding-3-small) and `dimensions` (default: the column's size, when the model can shorten
   *  to it). */
  text?: string;
  model?: string;
  dimensions?: number;
  /** How many neighbours (default 10). */
  k?: number;
  /** A column whose first words show with each neighbour. */
  textColumn?: string;
  /** How many words of it (default 12). */
  words?: number;
}

/** One row near the query. */
export interface Neighbour {
  /** The row's id, as text (bigint and uuid ids stay exact). */
  id: string;
  /** Cosine distance: 0 same direction, 1 orthogonal, 2 opposite. */
  distance: number;
  /** The first words of the text column (… when cut), or null without one or when it is NULL. */
  text: string | null;
}

/** The neighbours, nearest first, and the target they were read from. */
export interface SimilarResult {
  /** The table, schema-qualified. */
  table: string;
  /** The vector column measured. */
  column: string;
  neighbours: Neighbour[];
}

export const DEFAULT_K = 10;
const DEFAULT_WORDS = 12;
/** Characters of the text column read per row: enough for the words shown. */
const TEXT_CHARS = 2000;

/** The k rows nearest to a row (`id`) or to a text (`text`), by cosine distance, nearest first. */
export async function similar(opts: SimilarOptions & ApiInternals): Promise<SimilarResult> {
  if ((opts.id === undefined) === (opts.text === undefined)) throw new UsageError('give either an id or a text to find the neighbours of');
  const k = opts.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`k is a whole number ≥ 1, not ${k}`);
  return useDb(opts.db, async (db) => {
    const target = await resolveTarget(db, opts);
    const shown = opts.textColumn === undefined ? 'NULL' : `left(t.${await textColumn(db, target, opts.textColumn)}::text, ${TEXT_CHARS})`;
    const names = { id: target.idColumn.sql, column: target.column.sql, table: target.sql, text: shown };
    let rows: { id: string; distance: number; text: string | null }[];
    if (opts.id !== undefined) {
      await checkRow(db, target, opts.id);
      const query = `(SELECT ${target.column.sql} FROM ${target.sql} WHERE ${target.idColumn.sql} = $1)`;
      const self = `t.${target.idColumn.sql} <> $1`;
      ({ rows } = await db.query(sqlTemplate('similar.sql', { ...names, query, self }), [opts.id, k]));
    } else {
      const vector = await queryVector(target, opts);
      const query = `$1::${target.column.kind}`;
      ({ rows } = await db.query(sqlTemplate('similar.sql', { ...names, query, self: 'true' }), [pgvector.toSql(vector), k]));
    }
    const words = opts.words ?? DEFAULT_WORDS;
    return {
      table: target.name,
      column: target.column.name,
      neighbours: rows.map((r) => ({ id: r.id, distance: r.distance, text: r.text === null ? null : firstWords(r.text, words) })),
    };
  });
}

async function textColumn(db: Db, target: Target, name: string): Promise<string> {
  const [column] = parseQualifiedName(name, 1, 'text column');
  const { rows } = await db.query(sqlFile('text-column.sql'), [target.sql, column]);
  if (rows.length === 0) throw new TargetError(`column ${target.name}.${column} does not exist; choose the text to show with --text-column`);
  return quoteIdent(column);
}

/** The row is there and holds a vector: otherwise there is nothing to measure from. */
async function checkRow(db: Db, target: Target, id: string): Promise<void> {
  if (typeof target.idColumn.codec.encode(id) === 'string') {
    throw new UsageError(`id ${JSON.stringify(id)} is no value of ${target.name}.${target.idColumn.name} (${target.idColumn.type})`);
  }
  const { rows } = await db.query<{ missing: boolean }>(
    `SELECT ${target.column.sql} IS NULL AS missing FROM ${target.sql} WHERE ${target.idColumn.sql} = $1`, [id]);
  if (rows.length === 0) throw new TargetError(`no row of ${target.name} has ${target.idColumn.name} ${id}`);
  if (rows.length > 1) throw new TargetError(`${rows.length} rows of ${target.name} have ${target.idColumn.name} ${id}: choose a unique column with --id-column`);
  if (rows[0].missing) {
    throw new TargetError(`row ${id} of ${target.name} has no vector in ${target.column.name} (NULL): fill it first (vecfill run), or pick another id`);
  }
}

async function queryVector(target: Target, opts: SimilarOptions & ApiInternals): Promise<number[]> {
  const model = opts.model ?? DEFAULT_MODEL;
  const info = MODELS[model];
  const cols = target.column.dims;
  // A column narrower than the model's vectors was filled with `dimensions`: ask for the same here.
  const dimensions = opts.dimensions ?? (info?.shortenable && cols !== null && cols < info.dims ? cols : undefined);
  checkDimensions({ name: `${target.name}.${target.column.name}`, type: target.column.type, dims: cols }, model, dimensions);
  return embedText(batchApi(opts, COMMAND_RETRY_FOR_MS), opts.text!, model, dimensions);
}

/** The first `n` words of a text, on one line, with … when there is more. */
export function firstWords(text: string, n: number): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.slice(0, n).join(' ') + (words.length > n || text.length >= TEXT_CHARS ? ' …' : '');
}
