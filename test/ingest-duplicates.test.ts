// A custom_id that appears more than once: the later line wins, the summary counts the dropped lines as
// duplicates, and the run still exits 0 (every line was accounted for); also when the repeats fall in
// different COPY segments (library, small segments, the segments counted by their UPDATEs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { ingest, streamSource } from '../src/index.js';
import { countUpdates, createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { base64Of, okLine } from './helpers/output.js';
import { smallSegments } from './helpers/segments.js';

test('the later line of a repeated custom_id wins and duplicates are counted', async (t) => {
  const table = tableName('dup');
  await createTable(table, [1, 2, 3, 4, 5, 6]);
  t.after(() => dropTable(table));
  const lines = [
    okLine('1', [1, 1, 1]), // 1: id 1, first of two
    okLine('2', [2, 0, 0]), // 2: id 2, first of three
    okLine('3', [3, 3, 3]), // 3: id 3, once
    okLine('1', [1, 1, 2]), // 4: id 1, the last: wins
    okLine('2', base64Of([2, 1, 0])), // 5: id 2, second of three
    okLine('4', [4, 4, 4]), // 6: id 4, once
    okLine('5', [5, 0, 0]), // 7: id 5 as "5"
    okLine('2', [2, 2, 2]), // 8: id 2, the last: wins
    okLine('05', [5, 5, 5]), // 9: id 5 again, as "05": the same bigint, the later line wins
  ];
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json'], lines.join('\n') + '\n');
  assert.equal(res.code, 0, res.stderr);
  const summary = JSON.parse(res.stdout);

  await t.test('the last line of each id is the one stored', async () => {
    assert.deepEqual(Array.from((await storedVector(table, 1))!), [1, 1, 2]);
    assert.deepEqual(Array.from((await storedVector(table, 2))!), [2, 2, 2]);
    assert.deepEqual(Array.from((await storedVector(table, 3))!), [3, 3, 3]);
    assert.deepEqual(Array.from((await storedVector(table, 4))!), [4, 4, 4]);
    assert.equal(await storedVector(table, 6), null);
  });

  await t.test('two spellings of one bigint id are one id: the later line wins', async () => {
    assert.deepEqual(Array.from((await storedVector(table, 5))!), [5, 5, 5]);
  });

  await t.test('the summary counts the dropped lines as duplicates, none as rejects', () => {
    assert.equal(summary.lines, 9);
    assert.equal(summary.duplicates, 4, 'id 1 once, id 2 twice, id 5 once');
    assert.equal(summary.rowsUpdated, 5);
    assert.equal(summary.rejected, 0);
    assert.equal(summary.unknownIds, 0);
  });
});

test('repeats spread over many COPY segments: the last line still wins, each dropped line counted once', async (t) => {
  const table = tableName('dup');
  const ids = 100;
  await createTable(table, Array.from({ length: ids + 1 }, (_, k) => k + 1));
  t.after(() => dropTable(table));
  const updates = await countUpdates(table);
  t.after(updates.drop);
  // Three rounds over ids 1..100 (the third in reverse), plus an unknown id twice: ~15 KB of COPY rows.
  const lines: string[] = [];
  for (let round = 1; round <= 3; round++) {
    for (let k = 1; k <= ids; k++) {
      const id = round === 3 ? ids + 1 - k : k;
      lines.push(okLine(String(id), [id, round, 0]));
      if (round === 2 && k === 50) lines.push(okLine('5000', [0, 0, 0]));
    }
  }
  lines.push(okLine('5000', [1, 1, 1]));
  const rejects: string[] = [];
  const summary = await ingest(smallSegments({
    db: DB_URL, table, inputs: [streamSource('mem', Readable.from([Buffer.from(lines.join('\n'))]))],
    rejects: new Writable({ write(c, _e, cb) { rejects.push(String(c)); cb(); } }),
  }));
  // The rows (bigint, vector(3)) are all one size, so the segments are too: more than three of them
  // over the 301 rows hold at most 100 each, and lines 100 apart (an id's repeats) never share one.
  const segments = await updates.count();
  assert.ok(segments > 3, `one UPDATE per segment, more segments than rounds (${segments})`);
  assert.equal(summary.duplicates, 2 * ids + 1);
  assert.equal(summary.rowsUpdated, ids, 'a row updated in several segments counts once');
  assert.equal(summary.unknownIds, 1);
  for (const id of [1, 37, 100]) assert.deepEqual(Array.from((await storedVector(table, id))!), [id, 3, 0], `row ${id}`);
  assert.equal(await storedVector(table, ids + 1), null);
  const records = rejects.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => [r.line, r.custom_id, r.code]), [[lines.length, '5000', 'unknown_id']], 'the unknown id once, at its last line');
});
