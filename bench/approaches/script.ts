// Baseline 1, the common script: what people write first. Read the whole file, JSON.parse every
// line, then UPDATE 15 rows per statement through UNNEST, all in one transaction. Memory grows with
// the file, and past ~512 MB Node cannot hold the file as one string at all.
// usage: node script.js DATABASE_URL TABLE FILE
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import pgvector from 'pgvector';
import { quoteIdent } from '../ident.js';

const [db, table, file] = process.argv.slice(2);
const BATCH = 15;

const rows: { id: string; embedding: number[] }[] = [];
for (const line of (await readFile(file, 'utf8')).split('\n')) {
  if (line.trim() === '') continue;
  const result = JSON.parse(line);
  if (result.response?.status_code !== 200) continue;
  const embedding: number[] | string = result.response.body.data[0].embedding;
  rows.push({ id: result.custom_id, embedding: typeof embedding === 'string' ? fromBase64(embedding) : embedding });
}

function fromBase64(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

const client = new pg.Client({ connectionString: db });
await client.connect();
const sql =
  `UPDATE ${quoteIdent(table)} AS d SET "embedding" = u.v ` +
  `FROM unnest($1::bigint[], $2::vector[]) AS u(id, v) WHERE d."id" = u.id`;
let updated = 0;
try {
  await client.query('BEGIN');
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const result = await client.query(sql, [batch.map((r) => r.id), batch.map((r) => pgvector.toSql(r.embedding))]);
    updated += result.rowCount ?? 0;
  }
  await client.query('COMMIT');
} finally {
  await client.end();
}
console.log(JSON.stringify({ updated }));
