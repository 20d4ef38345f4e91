// The id column's type decides what a custom_id must be: integer, text and uuid ids apply; a custom_id
// that is no valid value of the type (out of int4's range, not a uuid) is rejected on its line with
// invalid_id; an id column of a type vecfill cannot key on fails at once, naming the supported types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable, DB_URL, dropTable, snapshot, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { okLine } from './helpers/output.js';
import { readRejects, tempDir } from './helpers/files.js';

test('integer (int4) ids apply; one out of int4 range is rejected with invalid_id', async (t) => {
  const table = tableName('int4');
  await createTable(table, [1, 2147483647, -2147483648], 'vector(3)', 'integer');
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const input = [
    okLine('1', [1, 1, 1]),
    okLine('2147483648', [2, 2, 2]), // 2: int4 max + 1
    okLine('2147483647', [3, 3, 3]),
    okLine('-2147483649', [4, 4, 4]), // 4: int4 min - 1
    okLine('-2147483648', [5, 5, 5]),
    okLine('1.5', [6, 6, 6]), // 6: not an integer
    okLine('99999999999999999999999', [7, 7, 7]), // 7: far out of range
  ].join('\n');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects], input);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.rowsUpdated, 3);
  assert.deepEqual(summary.rejectedByReason, { invalid_id: 4 });
  assert.deepEqual(Array.from((await storedVector(table, 2147483647))!), [3, 3, 3]);
  assert.deepEqual(Array.from((await storedVector(table, -2147483648))!), [5, 5, 5]);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [r.line, r.custom_id, r.code]), [
    [2, '2147483648', 'invalid_id'], [4, '-2147483649', 'invalid_id'], [6, '1.5', 'invalid_id'],
    [7, '99999999999999999999999', 'invalid_id']]);
  assert.match(records[0].reason, /integer|int4/, 'the reason names the id type');
});

test('text ids apply exactly, case and spaces included', async (t) => {
  const table = tableName('text');
  const ids = ['doc-1', 'Doc-1', 'with space', 'ünï ✓', ''];
  await createTable(table, ids, 'vector(3)', 'text');
  t.after(() => dropTable(table));
  const input = ids.map((id, k) => okLine(id, [k, k, k])).join('\n');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json'], input);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(JSON.parse(res.stdout).rowsUpdated, ids.length);
  for (const [k, id] of ids.entries()) assert.deepEqual(Array.from((await storedVector(table, id))!), [k, k, k], JSON.stringify(id));
});

test('uuid ids apply in any form PostgreSQL accepts; a non-uuid is rejected with invalid_id', async (t) => {
  const table = tableName('uuid');
  const ids = ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '6ecd8c99-4036-403d-bf84-cf8400f67836', '3f333df6-90a4-4fda-8dd3-9485d27cee36'];
  await createTable(table, ids, 'vector(3)', 'uuid');
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const input = [
    okLine(ids[0], [1, 1, 1]),
    okLine(ids[1].toUpperCase(), [2, 2, 2]),
    okLine('not-a-uuid', [9, 9, 9]), // 3
    okLine(`{${ids[2].replace(/-/g, '')}}`, [3, 3, 3]),
    okLine(ids[0] + '0', [9, 9, 9]), // 5: one digit too many
  ].join('\n');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects], input);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.rowsUpdated, 3);
  assert.deepEqual(summary.rejectedByReason, { invalid_id: 2 });
  for (const [k, id] of ids.entries()) assert.deepEqual(Array.from((await storedVector(table, id))!), [k + 1, k + 1, k + 1], id);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [r.line, r.custom_id, r.code]), [[3, 'not-a-uuid', 'invalid_id'], [5, ids[0] + '0', 'invalid_id']]);
  assert.match(records[0].reason, /uuid/);
});

test('a numeric id column fails with exit 1, naming the supported types', async (t) => {
  const table = tableName('num');
  await createTable(table, [1, 2], 'vector(3)', 'numeric');
  t.after(() => dropTable(table));
  const before = await snapshot(table);
  const res = await run(['ingest', '--db', DB_URL, '--table', table], okLine('1', [1, 2, 3]) + '\n');
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /numeric/);
  for (const type of ['bigint', 'integer', 'text', 'uuid']) assert.ok(res.stderr.includes(type), `names ${type}: ${res.stderr}`);
  assert.match(res.stderr, /nothing was changed/);
  assert.deepEqual(await snapshot(table), before);
});
