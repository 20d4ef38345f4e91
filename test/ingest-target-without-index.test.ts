// A target whose id column has no index is applied in one segment (each segment's UPDATE would scan
// the whole table): every row still lands, duplicates and unknown ids are still settled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ingest, streamSource } from '../src/index.js';
import { DB_URL, dropTable, sql, storedVector, tableName } from './helpers/db.js';
import { okLine } from './helpers/output.js';

test('a table without an index on its id column gets every row', async (t) => {
  const table = tableName('noidx');
  await sql(`CREATE TABLE ${table} (id integer, embedding vector(3))`);
  await sql(`INSERT INTO ${table} SELECT g FROM generate_series(1, 500) g`);
  t.after(() => dropTable(table));
  const lines = Array.from({ length: 500 }, (_, k) => okLine(String(k + 1), [k, 1, 2]));
  lines.push(okLine('7', [7, 7, 7]), okLine('9999', [0, 0, 0]));
  const summary = await ingest({ db: DB_URL, table, inputs: [streamSource('mem', Readable.from([lines.join('\n')]))] });
  assert.equal(summary.rowsUpdated, 500);
  assert.equal(summary.duplicates, 1);
  assert.equal(summary.unknownIds, 1);
  assert.deepEqual(Array.from((await storedVector(table, 7))!), [7, 7, 7]);
  assert.deepEqual(Array.from((await storedVector(table, 500))!), [499, 1, 2]);
});
