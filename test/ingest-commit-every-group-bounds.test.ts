// --commit-every N commits every N rows, and the COPY segments are cut there too: no UPDATE statement
// holds rows of two groups, even when segments are cut by size inside a group (small segments here),
// so each transaction holds exactly N rows (the last one the rest). An id that comes again in a later
// group is applied and counted in each group (the later line wins). A statement trigger logs each
// UPDATE's transaction and its rows (a transition table), so the test reads the cuts as they happened.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { streamSource } from '../src/index.js';
import { ingestWith } from '../src/ingest/ingest.js';
import { createTable, DB_URL, dropTable, sql, storedVector, tableName } from './helpers/db.js';
import { base64Of, okLine } from './helpers/output.js';

const DIMS = 64; // ~290 bytes of COPY data a row: a 2 KiB segment holds 7 rows

async function loggedTable(t: TestContext, rows: number) {
  const name = tableName('groups');
  await createTable(name, Array.from({ length: rows }, (_, k) => k + 1), `vector(${DIMS})`);
  await sql(`CREATE TABLE ${name}_log (tx xid8, ids int8[])`);
  await sql(`CREATE FUNCTION ${name}_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    INSERT INTO ${name}_log SELECT pg_current_xact_id(), array_agg(id ORDER BY id) FROM new_rows; RETURN NULL; END $$`);
  await sql(`CREATE TRIGGER log AFTER UPDATE ON ${name} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}_log()`);
  t.after(async () => {
    await dropTable(name);
    await sql(`DROP TABLE IF EXISTS ${name}_log`);
    await sql(`DROP FUNCTION IF EXISTS ${name}_log()`);
  });
  return name;
}

/** The UPDATE statements' rows, grouped by transaction, in the order they ran. */
async function transactions(name: string): Promise<number[][][]> {
  const { rows } = await sql(`SELECT tx::text AS tx, ids::int4[] AS ids FROM ${name}_log ORDER BY tx::text::int8`);
  const byTx = new Map<string, number[][]>();
  for (const r of rows) byTx.set(r.tx, [...(byTx.get(r.tx) ?? []), r.ids]);
  return [...byTx.values()];
}

const line = (id: number, value: number) => okLine(String(id), base64Of(Array.from({ length: DIMS }, (_, k) => (k === 0 ? value : id))));
const input = (lines: string[]) => [streamSource('out.jsonl', Readable.from([Buffer.from(lines.join('\n') + '\n')]))];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

test('--commit-every 10 over 25 rows in segments of 7: transactions of 10, 10 and 5 rows; no UPDATE across a group', async (t) => {
  const name = await loggedTable(t, 25);
  const summary = await ingestWith({ db: DB_URL, table: name, commitEvery: 10, segmentBytes: 2048, inputs: input(range(1, 25).map((id) => line(id, 1))) });
  assert.equal(summary.rowsUpdated, 25);
  const txs = await transactions(name);
  assert.deepEqual(txs.map((tx) => tx.flat()), [range(1, 10), range(11, 20), range(21, 25)], 'each transaction holds its group, whole');
  assert.ok(txs[0].length >= 2, `segments were cut inside the group (${JSON.stringify(txs[0])})`);
});

test('--commit-every: an id again in a later group is applied in each and counted in each; the later line wins', async (t) => {
  const name = await loggedTable(t, 8);
  // Groups of 4: [1 2 3 4] [5 2 6 7] [8]; id 2 comes in the first two.
  const lines = [line(1, 1), line(2, 1), line(3, 1), line(4, 1), line(5, 1), line(2, 2), line(6, 1), line(7, 1), line(8, 1)];
  const summary = await ingestWith({ db: DB_URL, table: name, commitEvery: 4, inputs: input(lines) });
  assert.equal(summary.lines, 9);
  assert.equal(summary.rowsUpdated, 9, 'row 2 counted in both groups');
  assert.equal(summary.duplicates, 0, 'not a duplicate within one transaction');
  assert.deepEqual((await transactions(name)).map((tx) => tx.flat()), [[1, 2, 3, 4], [2, 5, 6, 7], [8]]);
  assert.equal((await storedVector(name, 2))![0], 2, 'the later line wins');
});
