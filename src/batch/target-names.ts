// target-names: a resolved target as the ledger stores it, and back: the catalog's own names
// (schema, table, columns), never quoted SQL text.
import type { Db } from '../db/db.js';
import type { Target } from '../db/target.js';
import { parseQualifiedName, quoteIdent, quoteQualified } from '../db/identifiers.js';
import type { LedgerTarget } from './ledger.js';

export function ledgerTarget(target: Target): LedgerTarget {
  // target.sql is the quoted "schema"."table": parsing it back gives the exact names.
  const [tableSchema, tableName] = parseQualifiedName(target.sql, 2, 'table');
  return { tableSchema, tableName, idColumn: target.idColumn.name, column: target.column.name };
}

/** The names as --table/--id-column/--column would take them, quoted so that they resolve exactly. */
export function targetSpec(t: LedgerTarget): { table: string; idColumn: string; column: string } {
  return { table: quoteQualified([t.tableSchema, t.tableName]), idColumn: quoteIdent(t.idColumn), column: quoteIdent(t.column) };
}

/** A --table filter as the ledger stores it: resolved through search_path when it names a table
 *  that exists, else taken as written (a dropped table's batches can still be listed). */
export async function tableFilter(client: Db, text: string): Promise<{ tableSchema: string; tableName: string }> {
  const parts = parseQualifiedName(text, 2, 'table');
  const { rows } = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
    [quoteQualified(parts)],
  );
  if (rows[0]) return { tableSchema: rows[0].schema, tableName: rows[0].name };
  return parts.length === 2 ? { tableSchema: parts[0], tableName: parts[1] } : { tableSchema: 'public', tableName: parts[0] };
}
