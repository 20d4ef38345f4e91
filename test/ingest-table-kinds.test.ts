// What --table may name: a partitioned table is a table (its rows are updated through the parent); a view
// or a materialized view is not, and fails with exit 1 and a message that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_URL, sql, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { okLine } from './helpers/output.js';

test('a partitioned table is filled through its parent', async (t) => {
  const table = tableName('part');
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, embedding vector(3)) PARTITION BY RANGE (id)`);
  await sql(`CREATE TABLE ${table}_a PARTITION OF ${table} FOR VALUES FROM (0) TO (100)`);
  await sql(`CREATE TABLE ${table}_b PARTITION OF ${table} FOR VALUES FROM (100) TO (200)`);
  await sql(`INSERT INTO ${table} (id) VALUES (1), (150)`);
  t.after(() => sql(`DROP TABLE IF EXISTS ${table}`));
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json'], [okLine('1', [1, 0, 0]), okLine('150', [0, 1, 0])].join('\n'));
  assert.equal(res.code, 0, res.stderr);
  assert.equal(JSON.parse(res.stdout).rowsUpdated, 2);
  assert.deepEqual(Array.from((await storedVector(table, 1))!), [1, 0, 0]);
  assert.deepEqual(Array.from((await storedVector(table, 150))!), [0, 1, 0]);
});

test('a view or a materialized view is not a table: exit 1, named', { concurrency: true }, async (t) => {
  const table = tableName('kind');
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, embedding vector(3))`);
  await sql(`INSERT INTO ${table} (id) VALUES (1)`);
  await sql(`CREATE MATERIALIZED VIEW ${table}_mv AS SELECT * FROM ${table}`);
  await sql(`CREATE VIEW ${table}_v AS SELECT * FROM ${table}`);
  t.after(() => sql(`DROP TABLE IF EXISTS ${table} CASCADE`));
  await Promise.all([`${table}_v`, `${table}_mv`].map((name) => t.test(name.slice(table.length + 1), async () => {
    const res = await run(['ingest', '--db', DB_URL, '--table', name], okLine('1', [1, 2, 3]));
    assert.equal(res.code, 1, res.stderr);
    assert.ok(res.stderr.includes(name), res.stderr);
    assert.match(res.stderr, /not a table/);
    assert.match(res.stderr, /nothing was changed/);
  })));
  assert.equal(await storedVector(table, 1), null);
});
