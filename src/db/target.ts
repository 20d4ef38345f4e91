// target: what an ingest writes to, read from the catalog before any input is read, so that a wrong
// table or column fails at once with a message that names it and says what to do.
import type { Db } from './db.js';
import { idCodecFor, SUPPORTED_ID_TYPES, type IdCodec } from './id-codec.js';
import { parseQualifiedName, quoteIdent, quoteQualified } from './identifiers.js';
import { sqlFile } from './sql-files.js';
import { TargetError } from '../errors.js';

/** A target resolved against the catalog: the table, its id column and its vector column. */
export interface Target {
  /** schema.table as the catalog names it, for messages. */
  name: string;
  /** The quoted, qualified table for SQL text. */
  sql: string;
  /** indexed: an index leads with the id column, so a few rows can be found without a scan. */
  idColumn: { name: string; sql: string; type: string; codec: IdCodec; indexed: boolean };
  column: { name: string; sql: string; type: string; kind: 'vector' | 'halfvec'; dims: number | null };
}

/** Where vectors go, as SQL names: docs, app.docs, '"My Schema"."Docs"'. */
export interface TargetSpec {
  table: string;
  /** The column matched against custom_id (default: id). */
  idColumn?: string;
  /** The vector or halfvec column to fill (default: embedding). */
  column?: string;
}

interface CatalogRow {
  schema: string; table: string; kind: string; column: string | null;
  typname: string | null; type: string | null; typmod: number | null; indexed: boolean | null; columns: string | null;
}

/** Looks the target up in the catalog; a TargetError says what is wrong and what to do. */
export async function resolveTarget(client: Db, spec: TargetSpec): Promise<Target> {
  const tableParts = parseQualifiedName(spec.table, 2, 'table');
  const [idName] = parseQualifiedName(spec.idColumn ?? 'id', 1, 'id column');
  const [colName] = parseQualifiedName(spec.column ?? 'embedding', 1, 'column');
  const { rows } = await client.query<CatalogRow>(sqlFile('resolve-target.sql'), [quoteQualified(tableParts), idName, colName]);
  if (rows.length === 0) {
    const { rows: [sp] } = await client.query<{ search_path: string }>('SHOW search_path');
    throw new TargetError(`no table ${tableParts.join('.')} in this database (search_path: ${sp.search_path}); ` +
      'check --table and --db, or qualify it as schema.table');
  }
  const first = rows[0];
  const name = `${first.schema}.${first.table}`;
  if (!['r', 'p'].includes(first.kind)) throw new TargetError(`${name} is not a table (relkind ${first.kind})`);
  const find = (col: string) => rows.find((r) => r.column === col);
  const missing = (col: string, flag: string) =>
    new TargetError(`column ${name}.${col} does not exist (columns: ${first.columns ?? 'none'}); choose one with ${flag}`);

  const id = find(idName);
  if (!id) throw missing(idName, '--id-column');
  const codec = idCodecFor(id.typname!);
  if (!codec) {
    throw new TargetError(`id column ${name}.${idName} is ${id.type}; vecfill matches custom_id against ${SUPPORTED_ID_TYPES} ids`);
  }
  const col = find(colName);
  if (!col) throw missing(colName, '--column');
  if (col.typname !== 'vector' && col.typname !== 'halfvec') {
    throw new TargetError(`column ${name}.${colName} is ${col.type}, not a pgvector vector or halfvec column; ` +
      `create it with: ALTER TABLE ${quoteQualified(tableParts)} ADD COLUMN ${quoteIdent(colName)} vector(1536)`);
  }
  return {
    name,
    sql: quoteQualified([first.schema, first.table]),
    idColumn: { name: idName, sql: quoteIdent(idName), type: id.type!, codec, indexed: id.indexed === true },
    column: {
      name: colName,
      sql: quoteIdent(colName),
      type: col.type!,
      kind: col.typname,
      dims: col.typmod !== null && col.typmod > 0 ? col.typmod : null,
    },
  };
}
