// vecfill similar --id: the rows nearest to one row by cosine distance, nearest first, the row itself
// and rows without a vector left out, -k of them, with the first words of --text-column; --json.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDatabase, type TestDb } from './helpers/batch.js';
import { run } from './helpers/run.js';

const ROWS: [number, string, string | null][] = [
  [1, 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen', '[1,0,0]'],
  [2, 'near', '[0.9,0.1,0]'],
  [3, 'between', '[0.5,0.5,0]'],
  [4, 'orthogonal', '[0,1,0]'],
  [5, 'opposite', '[-1,0,0]'],
  [6, 'no vector', null],
  [7, 'same direction, twice as long', '[2,0,0]'],
];

async function docs(db: TestDb): Promise<void> {
  await db.sql('CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(3))');
  // A row a statement: PGlite sends a JS array parameter without quoting its elements, which a
  // text with a comma or a vector literal would need.
  for (const [id, body, vector] of ROWS) await db.sql('INSERT INTO docs VALUES ($1, $2, $3::vector)', [id, body, vector]);
}

test('similar --id lists the other rows nearest first, with cosine distances and first words', async (t) => {
  const db = await freshDatabase(t);
  await docs(db);
  const r = await run(['similar', '--db', db.url, '--table', 'docs', '--id', '1', '--text-column', 'body']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    'distance  id  body',
    '  0.0000  7   same direction, twice as long',
    '  0.0061  2   near',
    '  0.2929  3   between',
    '  1.0000  4   orthogonal',
    '  2.0000  5   opposite',
    '',
  ].join('\n'));
});

test('similar -k and --json: k rows, as {table, column, neighbours: [{id, distance, text}]}', async (t) => {
  const db = await freshDatabase(t);
  await docs(db);
  const r = await run(['similar', '--db', db.url, '--table', 'docs', '--id', '7', '-k', '2', '--text-column', 'body', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['table', 'column', 'neighbours']);
  assert.deepEqual([out.table, out.column], ['public.docs', 'embedding']);
  assert.deepEqual(out.neighbours.map((n: { id: string }) => n.id), ['1', '2']);
  assert.equal(out.neighbours[0].distance, 0);
  assert.equal(out.neighbours[0].text, 'one two three four five six seven eight nine ten eleven twelve …', 'the first 12 words');

  const plain = await run(['similar', '--db', db.url, '--table', 'docs', '--id', '7', '--json']);
  assert.equal(JSON.parse(plain.stdout).neighbours.length, 5, 'default k 10, but only 5 other rows hold a vector');
  assert.equal(JSON.parse(plain.stdout).neighbours[0].text, null, 'no text without --text-column');
});

test('similar quotes names: a mixed-case table, id and vector column in another schema', async (t) => {
  const db = await freshDatabase(t);
  await db.sql('CREATE SCHEMA "My Schema"');
  await db.sql('CREATE TABLE "My Schema"."Docs" ("Key" text PRIMARY KEY, "The Text" text, "Vec" vector(2))');
  await db.sql(`INSERT INTO "My Schema"."Docs" VALUES ('a', 'alpha', '[1,0]'), ('b', 'beta', '[1,1]'), ('c', 'gamma', '[0,1]')`);
  const r = await run(['similar', '--db', db.url, '--table', '"My Schema"."Docs"', '--id-column', '"Key"', '--column', '"Vec"',
    '--text-column', '"The Text"', '--id', 'c', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).neighbours.map((n: { id: string; text: string }) => [n.id, n.text]), [['b', 'beta'], ['a', 'alpha']]);
});
