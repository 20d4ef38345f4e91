// Rows are applied in segments (one COPY and one UPDATE each, overlapping with parsing). With tiny
// segments, everything a single segment guarantees still holds across them: the later line of an id
// wins, duplicates and updated rows are counted once, unknown ids keep their line numbers. Each test
// counts the UPDATEs (a statement trigger), so it cannot pass on one segment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, PassThrough } from 'node:stream';
import { streamSource } from '../src/index.js';
// segmentBytes is an internal knob (IngestInternals): ingestWith() takes it, typed.
import { ingestWith as ingest } from '../src/ingest/ingest.js';
import { countUpdates, createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { okLine } from './helpers/output.js';

test('duplicates and unknown ids across many segments are settled as in one', async (t) => {
  const table = tableName('seg');
  await createTable(table, Array.from({ length: 20 }, (_, k) => k + 1));
  t.after(() => dropTable(table));
  const updates = await countUpdates(table);
  t.after(updates.drop);
  const lines: string[] = [];
  const want = new Map<number, number[]>();
  for (let round = 0; round < 3; round++) {
    for (let id = 1; id <= 20; id++) {
      if (round > 0 && id % 2 === 1) continue; // even ids appear 3 times, odd ids once
      const v = [id, round, id * round];
      lines.push(okLine(String(id), v));
      want.set(id, v);
    }
    lines.push(okLine(String(1000 + round), [0, 0, 0])); // an unknown id per round
  }
  const rejected: Record<string, unknown>[] = [];
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => d.toString().trim().split('\n').forEach((l) => rejected.push(JSON.parse(l))));
  const summary = await ingest({
    db: DB_URL,
    table,
    inputs: [streamSource('mem', Readable.from([lines.join('\n')]))],
    rejects: sink,
    segmentBytes: 200, // about five rows of vector(3) per segment
  });
  // The rows (bigint, vector(3)) are all one size, so the segments are too: more than three of them
  // over the 63 lines hold at most 20 rows each, and an even id's lines, 21 apart, never share one.
  const segments = await updates.count();
  assert.ok(segments > 3, `one UPDATE per segment, more segments than rounds (${segments})`);
  for (const [id, v] of want) assert.deepEqual(Array.from((await storedVector(table, id))!), v, `row ${id}`);
  assert.equal(summary.rowsUpdated, 20, 'each row counted once');
  assert.equal(summary.duplicates, 20, 'ten even ids, two earlier lines each');
  assert.equal(summary.unknownIds, 3);
  const unknownLines = rejected.filter((r) => r.code === 'unknown_id').map((r) => r.line).sort((a, b) => Number(a) - Number(b));
  assert.deepEqual(unknownLines, [21, 32, 43]);
  assert.deepEqual(rejected.filter((r) => r.code === 'unknown_id').map((r) => r.custom_id).sort(), ['1000', '1001', '1002']);
});

test('a hundred and more segments (one or two rows each) apply every row exactly', async (t) => {
  const table = tableName('seg');
  const ids = Array.from({ length: 150 }, (_, k) => k + 1);
  await createTable(table, ids);
  t.after(() => dropTable(table));
  const updates = await countUpdates(table);
  t.after(updates.drop);
  const lines = ids.map((id) => okLine(String(id), [id, -id, id / 8]));
  const summary = await ingest({
    db: DB_URL,
    table,
    inputs: [streamSource('mem', Readable.from([lines.join('\n')]))],
    segmentBytes: 40, // below one row: every row ends a segment until the segments start doubling
  });
  const segments = await updates.count();
  assert.ok(segments >= 100, `one UPDATE per segment, a hundred and more (${segments})`);
  assert.equal(summary.rowsUpdated, 150);
  assert.equal(summary.rejected, 0);
  for (const id of [1, 64, 65, 128, 150]) assert.deepEqual(Array.from((await storedVector(table, id))!), [id, -id, id / 8]);
});
