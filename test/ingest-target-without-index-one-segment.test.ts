// A target without an index on its id column is applied in one segment even when the input's size is
// known (a file): every segment's UPDATE would read the whole table, so the shrinking tail segments
// that serve an indexed target would each cost a full scan here. The same file into an indexed table
// does make several segments (so the count below can tell).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/db.js';
// segmentBytes and beforeCommit are internal knobs (IngestInternals): ingestWith() takes them.
import { ingestWith as ingest } from '../src/ingest/ingest.js';
import { SegmentPlan } from '../src/ingest/segment-plan.js';
import { DB_URL, dropTable, sql, storedVector, tableName } from './helpers/db.js';
import { tempDir, vectorOf, writeLines } from './helpers/files.js';
import { base64Of, okLine, prng } from './helpers/output.js';

const MiB = 1024 * 1024;
const ROWS = 2000;
const DIMS = 512;

/** The ingest's segment tables, counted in its own transaction just before COMMIT. */
function segmentCounter(): { count: number; beforeCommit(c: Db): Promise<void> } {
  const counter = {
    count: 0,
    async beforeCommit(c: Db) {
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relname LIKE 'vecfill\\_in\\_%'`);
      counter.count = rows[0].n;
    },
  };
  return counter;
}

test('a file into a table without an id index: one segment; into an indexed one: several', async (t) => {
  const dir = await tempDir();
  t.after(dir.cleanup);
  const rnd = prng(7);
  const vectors = Array.from({ length: ROWS }, () => vectorOf(DIMS, rnd));
  const file = await writeLines(dir.path('out.jsonl'), vectors.map((v, k) => okLine(String(k + 1), base64Of(v))));

  for (const indexed of [false, true]) {
    const table = tableName(indexed ? 'idx' : 'noidx');
    await sql(`CREATE TABLE ${table} (id integer ${indexed ? 'PRIMARY KEY' : ''}, embedding vector(${DIMS}))`);
    await sql(`INSERT INTO ${table} SELECT g FROM generate_series(1, ${ROWS}) g`);
    t.after(() => dropTable(table));
    const counter = segmentCounter();
    const summary = await ingest({ db: DB_URL, table, inputs: [file], beforeCommit: counter.beforeCommit });
    assert.equal(summary.rowsUpdated, ROWS);
    assert.deepEqual(Array.from((await storedVector(table, ROWS))!), vectors[ROWS - 1]);
    if (indexed) assert.ok(counter.count > 1, `an indexed target gets the tail segments (${counter.count})`);
    else assert.equal(counter.count, 1, 'one segment without an index');
  }
});

test('a plan of Infinity-byte segments never ends one, whatever the known input size', () => {
  const plan = new SegmentPlan(Infinity, 100 * MiB);
  for (const read of [1, MiB, 50 * MiB, 99.9 * MiB, 100 * MiB]) {
    assert.equal(plan.full(40 * MiB, read), false, `after ${read} bytes`);
  }
  assert.equal(new SegmentPlan(16 * MiB, 100 * MiB).full(5 * MiB, 99 * MiB), true, 'a bounded plan does cut the tail');
});
