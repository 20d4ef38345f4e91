// An error of the UPDATE itself (here a trigger that refuses one row) fails the ingest with exit 1 and
// PostgreSQL's message, and rolls everything back: not one row is updated, the valid ones neither, also
// when earlier COPY segments were already applied inside the transaction. Each test spans several
// segments and counts the UPDATEs that ran (a statement trigger) before the failing one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import { ingest, streamSource } from '../src/index.js';
import { countUpdates, DB_URL, dropTable, sql, tableDigest, tableName } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { run } from './helpers/run.js';
import { embeddingLines, okLine } from './helpers/output.js';
import { smallSegments } from './helpers/segments.js';

test('an UPDATE error in the last of several segments rolls back every row and exits 1 with PostgreSQL\'s message', async (t) => {
  const table = tableName('trig');
  const rows = 3000; // ~25 MB of 1536-dim lines: a file's segments shrink towards its end, so several
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, embedding vector(1536))`);
  await sql(`INSERT INTO ${table} SELECT g, CASE WHEN g % 50 = 0 THEN array_fill(0.5, ARRAY[1536])::vector END FROM generate_series(1, ${rows}) g`);
  await sql(`CREATE FUNCTION ${table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = ${rows} THEN RAISE EXCEPTION 'row ${rows} is frozen by policy (%)', '${table}'; END IF;
      RETURN NEW;
    END $$`);
  await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_refuse()`);
  const updates = await countUpdates(table);
  const dir = await tempDir();
  t.after(async () => {
    await dropTable(table);
    await sql(`DROP FUNCTION IF EXISTS ${table}_refuse()`);
    await updates.drop();
    await dir.cleanup();
  });
  const file = dir.path('out.jsonl');
  await writeFile(file, [...embeddingLines(rows)].join('')); // the refused row is the last line
  const before = await tableDigest(table);

  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', file]);
  assert.equal(res.code, 1, res.stderr);
  assert.ok(res.stderr.includes(`row ${rows} is frozen by policy (${table})`), `PostgreSQL's message: ${res.stderr}`);
  assert.match(res.stderr, /nothing was changed/);
  assert.equal(res.stdout, '', 'no summary');
  assert.ok((await updates.count()) >= 3, `several segments were applied before the failing one (${await updates.count()} UPDATEs)`);
  assert.equal(await tableDigest(table), before, 'not one row was updated');
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
  const updates = await countUpdates(table);
  t.after(async () => {
    await dropTable(table);
    await sql(`DROP FUNCTION IF EXISTS ${table}_refuse()`);
    await sql(`DROP SEQUENCE IF EXISTS ${table}_seen`);
    await updates.drop();
  });
  const input = Array.from({ length: rows }, (_, k) => okLine(String(k + 1), [k, k, k])).join('\n');
  await assert.rejects(
    ingest(smallSegments({ db: DB_URL, table, inputs: [streamSource('mem', Readable.from([Buffer.from(input)]))] })),
    /the last row is refused/);
  const { rows: [seen] } = await sql(`SELECT last_value::int AS n FROM ${table}_seen`);
  assert.ok((await updates.count()) >= 2, `segments were applied before the failing one (${await updates.count()} UPDATEs)`);
  const { rows: [r] } = await sql(`SELECT count(*)::int AS n FROM ${table} WHERE embedding IS NOT NULL`);
  assert.equal(r.n, 0, `no row stays updated (the trigger saw ${seen.n} rows before the error)`);
});
