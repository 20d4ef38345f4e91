// The table every approach updates, rebuilt before every timed run so each starts from the same
// state: ROWS rows with a body and a NULL embedding, no dead tuples, fresh statistics, and a
// checkpoint so no run pays for the previous run's dirty pages.
import type pg from 'pg';
import { quoteIdent } from './ident.js';

export async function resetTable(client: pg.Client, table: string, rows: number, dims: number, hnsw = false): Promise<void> {
  const t = quoteIdent(table);
  await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  await client.query(`DROP TABLE IF EXISTS ${t}`);
  await client.query(`CREATE TABLE ${t} ("id" bigint PRIMARY KEY, "body" text, "embedding" vector(${dims}))`);
  // A 256-character body: the UPDATE rewrites whole rows, so rows should not be empty.
  await client.query(
    `INSERT INTO ${t} ("id", "body") SELECT i, repeat(md5(i::text), 8) FROM generate_series(1, $1::bigint) AS i`,
    [rows],
  );
  // Built while the column is all NULL (nothing to index): every vector then goes in through the ingest.
  if (hnsw) await client.query(`CREATE INDEX ${quoteIdent(`${table}_embedding_hnsw`)} ON ${t} USING hnsw ("embedding" vector_cosine_ops)`);
  await client.query(`VACUUM ANALYZE ${t}`);
  await client.query('CHECKPOINT');
}
