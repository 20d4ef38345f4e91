// Lines are read as JSON.parse reads them, end to end: a custom_id that sits only under a "__proto__"
// key is no custom_id (the line sets no row), and of repeated keys the last one counts, custom_id and
// embedding alike (the row gets the last embedding's values, whatever came before).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { readRejects, tempDir } from './helpers/files.js';

const body = (embedding: string) => `"response":{"status_code":200,"body":{"data":[{"embedding":${embedding}}]}}`;

test('"__proto__" hides no custom_id, and the last of repeated keys wins', async (t) => {
  const table = tableName('keys');
  await createTable(table, [1, 2, 3, 4]);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const lines = [
    `{"__proto__":{"custom_id":"1"},${body('[9,9,9]')}}`,
    `{"custom_id":"4","custom_id":"2",${body('[2,2,2]')}}`,
    `{"custom_id":"3",${body('[7,7,7]')},"response":{"status_code":200,"body":{"data":[{"embedding":[1,null,1],"embedding":[3,3,3]}]}}}`,
    `{"custom_id":"4",${body('[4,4,4]')},"response":null,"error":{"code":"batch_expired"}}`,
  ];
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects], lines.join('\n'));
  assert.equal(res.code, 3, res.stderr);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [r.line, r.code, r.custom_id]), [[1, 'missing_custom_id', undefined], [4, 'batch_expired', '4']]);
  assert.equal(await storedVector(table, 1), null, 'the custom_id under __proto__ set no row');
  assert.deepEqual(Array.from((await storedVector(table, 2))!), [2, 2, 2]);
  assert.deepEqual(Array.from((await storedVector(table, 3))!), [3, 3, 3]);
  assert.equal(await storedVector(table, 4), null);
});
