// A vector column without a fixed dimension takes the length of the first valid line; a later line of
// another length is rejected with dimension_mismatch. Lines rejected before it do not set the dimension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { base64Of, httpErrorLine, okLine } from './helpers/output.js';
import { readRejects, tempDir } from './helpers/files.js';

test('a vector column without a dimension takes the first valid line\'s length', async (t) => {
  const table = tableName('nodim');
  await createTable(table, [1, 2, 3, 4, 5, 6, 7], 'vector');
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const input = [
    httpErrorLine('1', 500, 'server error'), // 1: no vector
    okLine('2', { raw: '[1,2,null,4,5,6,7]' }), // 2: 7 values but rejected: sets nothing
    okLine('3', [1, 2, 3, 4, 5]), // 3: the first valid line: 5
    okLine('4', [1, 2, 3]), // 4: mismatch
    okLine('5', base64Of([5, 4, 3, 2, 1])), // 5
    okLine('6', base64Of([1, 2, 3, 4, 5, 6])), // 6: mismatch
    okLine('7', [0.5, 0.25, 0.125, 0.0625, 0.03125]), // 7
  ].join('\n');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects], input);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.dims, 5);
  assert.equal(summary.rowsUpdated, 3);
  assert.deepEqual(summary.rejectedByReason, { http_error: 1, not_a_number: 1, dimension_mismatch: 2 });
  assert.deepEqual(Array.from((await storedVector(table, 3))!), [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from((await storedVector(table, 5))!), [5, 4, 3, 2, 1]);
  assert.deepEqual(Array.from((await storedVector(table, 7))!), [0.5, 0.25, 0.125, 0.0625, 0.03125]);
  for (const id of [1, 2, 4, 6]) assert.equal(await storedVector(table, id), null, `row ${id}`);
  const records = await readRejects(rejects);
  const mismatches = records.filter((r) => r.code === 'dimension_mismatch');
  assert.deepEqual(mismatches.map((r) => [r.line, r.custom_id]), [[4, '4'], [6, '6']]);
  assert.match(mismatches[0].reason, /\b5\b/, 'names the dimension taken from the first line');
  assert.match(mismatches[0].reason, /\b3 values/);
  assert.match(mismatches[0].reason, /embedding/, 'names the column');
});

test('an empty embedding never sets the dimension and is rejected', async (t) => {
  const table = tableName('nodim');
  await createTable(table, [1, 2], 'vector');
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects],
    [okLine('1', []), okLine('2', [1, 2])].join('\n'));
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.dims, 2);
  assert.equal(summary.rowsUpdated, 1);
  assert.equal(await storedVector(table, 1), null);
  assert.deepEqual(Array.from((await storedVector(table, 2))!), [1, 2]);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [r.line, r.custom_id]), [[1, '1']]);
});
