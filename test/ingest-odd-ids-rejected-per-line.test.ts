// A custom_id PostgreSQL would not read as the id column's type is rejected on its own line, never
// failing the ingest: Unicode spaces around a bigint (JS's \s takes them, PostgreSQL does not) even when
// the id repeats (repeats go back to the server as text), a text id with a lone surrogate (a \ud800
// escape: as UTF-8 it would become another id), and a uuid with spaces. The other lines apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { okLine } from './helpers/output.js';
import { readRejects, tempDir } from './helpers/files.js';

async function ingest(table: string, lines: string[], t: { after(fn: () => Promise<void>): void }) {
  const dir = await tempDir();
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects], lines.join('\n'));
  return { res, records: res.code === 3 ? await readRejects(rejects) : [] };
}

test('bigint ids with Unicode spaces, repeated: invalid_id on their lines, the rest applies', async (t) => {
  const table = tableName('odd_int');
  await createTable(table, [1, 2]);
  t.after(() => dropTable(table));
  const { res, records } = await ingest(table, [
    okLine('1\u00a0', [9, 9, 9]), okLine('\u20032', [9, 9, 9]), okLine('1\u00a0', [8, 8, 8]), okLine(' 2\t', [2, 2, 2]), okLine('\ufeff1', [9, 9, 9]),
  ], t);
  assert.equal(res.code, 3, res.stderr);
  assert.deepEqual(records.map((r) => [r.line, r.code]), [[1, 'invalid_id'], [2, 'invalid_id'], [3, 'invalid_id'], [5, 'invalid_id']]);
  assert.match(records[0].reason, /bigint/);
  assert.equal(await storedVector(table, 1), null);
  assert.deepEqual(Array.from((await storedVector(table, 2))!), [2, 2, 2], 'spaces PostgreSQL itself skips are fine');
});

test('text ids with a lone surrogate: invalid_id; the same id written as a pair applies', async (t) => {
  const table = tableName('odd_text');
  await createTable(table, ['\ufffd', '😀'], 'vector(3)', 'text');
  t.after(() => dropTable(table));
  const lone = '{"custom_id":"\\ud800","response":{"status_code":200,"body":{"data":[{"embedding":[9,9,9]}]}}}';
  const pair = '{"custom_id":"\\ud83d\\ude00","response":{"status_code":200,"body":{"data":[{"embedding":[1,2,3]}]}}}';
  const { res, records } = await ingest(table, [lone, lone, pair], t);
  assert.equal(res.code, 3, res.stderr);
  assert.deepEqual(records.map((r) => [r.line, r.code]), [[1, 'invalid_id'], [2, 'invalid_id']]);
  assert.match(records[0].reason, /surrogate/);
  assert.equal(await storedVector(table, '\ufffd'), null, 'no other row takes the lone surrogate\'s vector');
  assert.deepEqual(Array.from((await storedVector(table, '😀'))!), [1, 2, 3]);
});

test('uuid ids with spaces or a stray hyphen: invalid_id; hyphens after any group of four apply', async (t) => {
  const table = tableName('odd_uuid');
  const id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
  await createTable(table, [id], 'vector(3)', 'uuid');
  t.after(() => dropTable(table));
  const { res, records } = await ingest(table, [okLine(` ${id}`, [9, 9, 9]), okLine(`${id}-`, [9, 9, 9]), okLine('a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11', [1, 2, 3])], t);
  assert.equal(res.code, 3, res.stderr);
  assert.deepEqual(records.map((r) => [r.line, r.code]), [[1, 'invalid_id'], [2, 'invalid_id']]);
  assert.deepEqual(Array.from((await storedVector(table, id))!), [1, 2, 3]);
});
