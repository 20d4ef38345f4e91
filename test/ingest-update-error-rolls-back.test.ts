// An error of the UPDATE itself (here a trigger that refuses one row) fails the ingest with exit 1 and
// PostgreSQL's message, and rolls everything back: not one row is updated, the valid ones neither, also
// when earlier COPY segments were already applied inside the transaction (library, small segments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ingest, streamSource } from '../src/index.js';
import { DB_URL, dropTable, snapshot, sql, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { okLine } from './helpers/output.js';
import { smallSegments } from './helpers/segments.js';

test('an UPDATE error rolls back every row and exits 1 with PostgreSQL\'s message', async (t) => {
  const table = tableName('trig');
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, embedding vector(3))`);
  await sql(`INSERT INTO ${table} SELECT g, CASE WHEN g % 2 = 0 THEN '[0,0,1]'::vector END FROM generate_series(1, 50) g`);
  await sql(`CREATE FUNCTION ${table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = 37 THEN RAISE EXCEPTION 'row 37 is frozen by policy (%)', '${table}'; END IF;
      RETURN NEW;
    END $$`);
  await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_refuse()`);
  t.after(async () => {
    await dropTable(table);
    await sql(`DROP FUNCTION IF EXISTS ${table}_refuse()`);
  });
  const before = await snapshot(table);
  const input = Array.from({ length: 50 }, (_, k) => okLine(String(k + 1), [k, k, k])).join('\n');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json'], input);
  assert.equal(res.code, 1, res.stderr);
  assert.ok(res.stderr.includes(`row 37 is frozen by policy (${table})`), `PostgreSQL's message: ${res.stderr}`);
  assert.match(res.stderr, /nothing was changed/);
  assert.equal(res.stdout, '', 'no summary');
  assert.deepEqual(await snapshot(table), before, 'not one row was updated');
});

test('an UPDATE error in a later COPY segment rolls back the segments already applied', async (t) => {
  const table = tableName('trig');
  const rows = 400;
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, embedding vector(3))`);
  await sql(`INSERT INTO ${table} SELECT g FROM generate_series(1, ${rows}) g`);
  // A sequence is not transactional: it counts the rows the trigger saw, even once they are rolled back.
  await sql(`CREATE SEQUENCE ${table}_seen`);
  await sql(`CREATE FUNCTION ${table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM nextval('${table}_seen');
      IF NEW.id = ${rows} THEN RAISE EXCEPTION 'the last row is refused'; END IF;
      RETURN NEW;
    END $$`);
  await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_refuse()`);
  t.after(async () => {
    await dropTable(table);
    await sql(`DROP FUNCTION IF EXISTS ${table}_refuse()`);
    await sql(`DROP SEQUENCE IF EXISTS ${table}_seen`);
  });
  const input = Array.from({ length: rows }, (_, k) => okLine(String(k + 1), [k, k, k])).join('\n');
  await assert.rejects(
    ingest(smallSegments({ db: DB_URL, table, inputs: [streamSource('mem', Readable.from([Buffer.from(input)]))] })),
    /the last row is refused/);
  const { rows: [seen] } = await sql(`SELECT last_value::int AS n FROM ${table}_seen`);
  assert.ok(seen.n >= 1, 'the trigger ran');
  const { rows: [r] } = await sql(`SELECT count(*)::int AS n FROM ${table} WHERE embedding IS NOT NULL`);
  assert.equal(r.n, 0, `no row stays updated (the trigger saw ${seen.n} rows before the error)`);
});
