// custom_ids with no row in the table: each is written to the rejects file (code unknown_id, its line,
// its custom_id), counted in summary.unknownIds, and the run exits 3; the known rows are still applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { ingest, streamSource } from '../src/index.js';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { okLine } from './helpers/output.js';
import { readRejects, tempDir } from './helpers/files.js';
import { smallSegments } from './helpers/segments.js';

test('unknown ids are rejected with their line number; known rows are applied', async (t) => {
  const table = tableName('unk');
  await createTable(table, [1, 2, 3]);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const input = [
    okLine('1', [1, 0, 0]), // 1
    okLine('99', [9, 9, 9]), // 2: unknown
    '', // 3: blank, still counted
    okLine('2', [2, 0, 0]), // 4
    okLine('100', [1, 0, 0]), // 5: unknown
    okLine('-7', [1, 0, 0]), // 6: unknown
  ].join('\n') + '\n';
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--rejects', rejects, '--json'], input);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.unknownIds, 3);
  assert.equal(summary.rejected, 3);
  assert.deepEqual(summary.rejectedByReason, { unknown_id: 3 });
  assert.equal(summary.rowsUpdated, 2);
  assert.deepEqual(Array.from((await storedVector(table, 1))!), [1, 0, 0]);
  assert.deepEqual(Array.from((await storedVector(table, 2))!), [2, 0, 0]);
  assert.equal(await storedVector(table, 3), null);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [r.line, r.custom_id, r.code]), [[2, '99', 'unknown_id'], [5, '100', 'unknown_id'], [6, '-7', 'unknown_id']]);
  for (const r of records) assert.match(r.reason, /unknown id/);
  assert.ok(records[0].reason.includes(table), 'the reason names the table');
});

test('unknown text ids come back exactly, whatever characters they hold', async (t) => {
  const table = tableName('unk');
  await createTable(table, ['a', 'b'], 'vector(3)', 'text');
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const rejects = dir.path('rejects.jsonl');
  const odd = ['tab\there', 'new\nline "quoted" \\ back', 'ünïcødé ✓ 🙂', ' '];
  const input = [okLine('a', [1, 2, 3]), ...odd.map((id) => okLine(id, [1, 2, 3])), okLine('b', [3, 2, 1])].join('\n');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--rejects', rejects, '--json'], input);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.unknownIds, odd.length);
  assert.equal(summary.rowsUpdated, 2);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [r.line, r.custom_id]), odd.map((id, k) => [k + 2, id]));
});

test('unknown ids in many COPY segments: each reported once, at its line, in input order', async (t) => {
  const table = tableName('unk');
  await createTable(table, Array.from({ length: 300 }, (_, k) => k + 1));
  t.after(() => dropTable(table));
  const lines: string[] = [];
  const unknown: [number, string][] = [];
  for (let k = 1; k <= 300; k++) {
    lines.push(okLine(String(k), [k, 0, 0]));
    if (k % 37 === 0) {
      lines.push(okLine(String(100_000 + k), [0, 0, 0]));
      unknown.push([lines.length, String(100_000 + k)]);
    }
  }
  const records: { line: number; custom_id: string; code: string }[] = [];
  const summary = await ingest(smallSegments({
    db: DB_URL, table, inputs: [streamSource('mem', Readable.from([Buffer.from(lines.join('\n'))]))],
    rejects: new Writable({ write(c, _e, cb) { for (const l of String(c).split('\n').filter(Boolean)) records.push(JSON.parse(l)); cb(); } }),
  }));
  assert.equal(summary.rowsUpdated, 300);
  assert.equal(summary.unknownIds, unknown.length);
  assert.equal(summary.rejected, unknown.length);
  assert.deepEqual(records.map((r) => [r.line, r.custom_id]), unknown);
  assert.ok(records.every((r) => r.code === 'unknown_id'));
});
