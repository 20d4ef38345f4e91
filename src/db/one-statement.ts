// one-statement: running SQL that carries a user's text (--where) as exactly one statement.
// node-postgres sends a query without parameters through the simple protocol, which runs every
// statement of the text: "true); COMMIT; DROP TABLE docs; SELECT (1" would end a READ ONLY transaction
// and run the DROP on its own. The extended protocol (Parse/Bind/Execute) takes one statement and
// refuses more ("cannot insert multiple commands into a prepared statement"), parameters or not.
import type pg from 'pg';

export function queryOneStatement<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase, text: string, values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  // queryMode is node-postgres's own option (pg ≥ 8.12); its type declarations do not list it yet.
  return client.query<R>({ text, values, queryMode: 'extended' } as pg.QueryConfig);
}
