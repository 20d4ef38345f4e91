// target-names: a resolved target as the ledger stores it, and back: the catalog's own names
// (schema, table, columns), never quoted SQL text.
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
