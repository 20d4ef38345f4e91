// Baseline 3, a plain stream: the textbook streaming version. Lines from split2, JSON.parse each,
// encode a binary COPY row, pipe into a temp table with pg-copy-streams (backpressure included), then
// ANALYZE and one UPDATE … FROM, in one transaction. Constant memory; the cost is string decoding,
// splitting and JSON.parse of every number in JavaScript.
// usage: node stream.js DATABASE_URL TABLE FILE
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import split2 from 'split2';
import { base64Floats, COPY_HEADER, COPY_TRAILER, encodeRow } from '../copy-binary.js';
import { quoteIdent } from '../ident.js';

const [db, table, file] = process.argv.slice(2);

const toCopyRows = new Transform({
  writableObjectMode: true,
  construct(callback) {
    this.push(COPY_HEADER);
    callback();
  },
  transform(line: string, _encoding, callback) {
    if (line.trim() === '') return callback();
    const result = JSON.parse(line);
    if (result.response?.status_code !== 200) return callback();
    const embedding: number[] | string = result.response.body.data[0].embedding;
    const values = typeof embedding === 'string' ? base64Floats(embedding) : embedding;
    callback(null, encodeRow(BigInt(result.custom_id), values));
  },
  flush(callback) {
    callback(null, COPY_TRAILER);
  },
});

const client = new pg.Client({ connectionString: db });
await client.connect();
try {
  await client.query('BEGIN');
  await client.query('CREATE TEMP TABLE bench_tmp (id bigint, v vector) ON COMMIT DROP');
  const copy = client.query(copyFrom('COPY bench_tmp FROM STDIN (FORMAT binary)'));
  await pipeline(createReadStream(file), split2(), toCopyRows, copy);
  await client.query('ANALYZE bench_tmp');
  const result = await client.query(
    `UPDATE ${quoteIdent(table)} AS d SET "embedding" = t.v FROM bench_tmp t WHERE d."id" = t.id`,
  );
  await client.query('COMMIT');
  console.log(JSON.stringify({ copied: copy.rowCount, updated: result.rowCount }));
} finally {
  await client.end();
}
