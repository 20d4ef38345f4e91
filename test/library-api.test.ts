// The library entry (src/index.ts): ingest() with a connection string or a connection of the caller's (left
// open, usable, outside any transaction), inputs from in-memory streams, rejects to a stream the caller
// owns (left open), progress, and an AbortSignal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { ingest, streamSource, type IngestSummary } from '../src/index.js';
import { callersConnection, countUpdates, createTable, DB_URL, dropTable, snapshot, storedVector, tableName } from './helpers/db.js';
import { okLine } from './helpers/output.js';
import { smallSegments } from './helpers/segments.js';
import { TargetError } from '../src/errors.js';

/** A Writable that keeps what is written to it. */
function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(Buffer.from(chunk)); cb(); } });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString('utf8') });
}

const lines = [okLine('1', [1, 2, 3], 7), '{"custom_id": "2", oops', okLine('2', [4, 5, 6], 7), okLine('42', [0, 0, 1], 7)];
const input = lines.join('\n') + '\n';

function check(summary: IngestSummary, table: string) {
  assert.equal(summary.rowsUpdated, 2);
  assert.equal(summary.lines, 4);
  assert.equal(summary.rejected, 2);
  assert.deepEqual(summary.rejectedByReason, { malformed_json: 1, unknown_id: 1 });
  assert.equal(summary.unknownIds, 1);
  assert.equal(summary.duplicates, 0);
  assert.equal(summary.tokens, 21);
  assert.equal(summary.bytes, Buffer.byteLength(input));
  assert.equal(summary.dims, 3);
  assert.equal(summary.dryRun, false);
  assert.equal(summary.table, `public.${table}`);
  assert.equal(summary.column, 'embedding');
  for (const key of ['seconds', 'rowsPerSecond', 'mbPerSecond'] as const) {
    assert.ok(Number.isFinite(summary[key]) && summary[key] >= 0, `summary.${key} = ${summary[key]}`);
  }
  assert.ok(summary.seconds > 0);
}

test('ingest() with a URL and an in-memory stream returns the summary and writes rejects to the stream', async (t) => {
  const table = tableName('lib');
  await createTable(table, [1, 2, 3]);
  t.after(() => dropTable(table));
  const rejects = sink();
  // Chunks that cut a line in the middle, as Buffers.
  const b = Buffer.from(input);
  const chunks = [b.subarray(0, 100), b.subarray(100, 101), b.subarray(101)];
  const progress: number[] = [];
  const summary = await ingest({
    db: DB_URL, table, inputs: [streamSource('mem', Readable.from(chunks))], rejects,
    onProgress: (c) => progress.push(c.bytes),
  });
  check(summary, table);
  assert.deepEqual(Array.from((await storedVector(table, 1))!), [1, 2, 3]);
  assert.deepEqual(Array.from((await storedVector(table, 2))!), [4, 5, 6]);
  assert.equal(rejects.writableEnded, false, 'the caller\'s rejects stream is left open');
  const records = rejects.text().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => [r.line, r.code]), [[2, 'malformed_json'], [4, 'unknown_id']]);
  assert.equal(progress.at(-1), b.length, 'progress reaches every byte');
});

test('ingest() with a connection of the caller\'s (a pg.Client; on the embedded database a Db) leaves it open, usable, and outside any transaction', async (t) => {
  const table = tableName('lib');
  await createTable(table, [1, 2, 3]);
  t.after(() => dropTable(table));
  const client = await callersConnection();
  t.after(() => client.close());
  const outsideTransaction = async () => {
    // A savepoint can only be set inside a transaction block.
    const inside = await client.query('SAVEPOINT vecfill_probe').then(() => true, () => false);
    assert.equal(inside, false, 'the client is not left inside a transaction');
    const { rows: [r] } = await client.query('SELECT pg_my_temp_schema() AS temp');
    if (r.temp !== 0) {
      const { rows: [c] } = await client.query('SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = pg_my_temp_schema()');
      assert.equal(c.n, 0, 'no temp table is left behind');
    }
  };

  // Strings as chunks, as Readable.from(['…']) gives them.
  const summary = await ingest({ db: client.input, table, inputs: [streamSource('mem', Readable.from([input.slice(0, 50), input.slice(50)]))] });
  check(summary, table);
  await outsideTransaction();

  // A dry run on the same client, then a failure: the client still works.
  const dry = await ingest({ db: client.input, table, dryRun: true, inputs: [streamSource('mem', Readable.from([Buffer.from(okLine('3', [3, 3, 3]))]))] });
  assert.equal(dry.rowsUpdated, 1);
  assert.equal(await storedVector(table, 3), null);
  await outsideTransaction();
  await assert.rejects(ingest({ db: client.input, table: `${table}_nope`, inputs: [streamSource('mem', Readable.from([]))] }), TargetError);
  await outsideTransaction();
  const { rows } = await client.query(`SELECT id::int FROM ${table} WHERE embedding IS NOT NULL ORDER BY id`);
  assert.deepEqual(rows.map((r) => r.id), [1, 2]);
});

test('an AbortSignal stops an ingest mid-stream, segments already applied; the table is unchanged', async (t) => {
  const table = tableName('lib');
  await createTable(table, Array.from({ length: 1000 }, (_, k) => k + 1));
  t.after(() => dropTable(table));
  const updates = await countUpdates(table);
  t.after(updates.drop);
  const before = await snapshot(table);
  const ac = new AbortController();
  async function* endless() {
    for (let k = 0; ; k++) {
      yield Buffer.from(okLine(String((k % 1000) + 1), [k, 1, 2]) + '\n');
      if (k === 500) ac.abort(new Error('stop'));
      await new Promise((r) => setImmediate(r));
    }
  }
  await assert.rejects(ingest(smallSegments({ db: DB_URL, table, inputs: [streamSource('gen', endless())], signal: ac.signal })), (e) => e === ac.signal.reason);
  assert.ok((await updates.count()) >= 2, `segments were applied before the abort (${await updates.count()} UPDATEs)`);
  assert.deepEqual(await snapshot(table), before);
});
