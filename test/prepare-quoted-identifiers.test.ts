// Table and column names follow SQL's rules and are only ever sent quoted: names with spaces, capitals
// and quotes work, and a name that tries to be SQL is refused as a name.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { freshDatabase, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('quoted schema, table and columns are read exactly', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await db.sql(`CREATE SCHEMA "Weird Schema"`);
  await db.sql(`CREATE TABLE "Weird Schema"."My ""Docs""" ("Row Id" int PRIMARY KEY, "Body Text" text, "Emb" vector(1536))`);
  await db.sql(`INSERT INTO "Weird Schema"."My ""Docs""" VALUES (7, 'seven', NULL), (8, 'eight', NULL)`);

  const r = await vecfill(db)('prepare', '--table', '"Weird Schema"."My ""Docs"""', '--id-column', '"Row Id"',
    '--text-column', '"Body Text"', '--column', '"Emb"', '--out', dir.dir);
  assert.equal(r.code, 0, r.stderr);
  const requests = (await readFile(dir.path('requests-0001.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(requests.map((q) => [q.custom_id, q.body.input]), [['7', 'seven'], ['8', 'eight']]);
  const manifest = JSON.parse(await readFile(dir.path('requests.manifest.json'), 'utf8'));
  assert.deepEqual(manifest.table, { schema: 'Weird Schema', name: 'My "Docs"' });
  assert.equal(manifest.idColumn, 'Row Id');
});

test('a name that tries to be SQL is refused, and an unquoted name folds to lower case', async (t) => {
  const db = await freshDatabase(t);
  await db.sql(`CREATE TABLE docs (id int PRIMARY KEY, body text, embedding vector(1536))`);
  const v = vecfill(db);

  const bad = await v('prepare', '--table', 'docs; DROP TABLE docs', '--text-column', 'body');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /is not a valid SQL name/);
  const badColumn = await v('prepare', '--table', 'docs', '--text-column', 'body) FROM docs; --');
  assert.equal(badColumn.code, 2);
  assert.equal((await db.sql(`SELECT to_regclass('docs') IS NOT NULL AS ok`)).rows[0].ok, true);

  const missing = await v('prepare', '--table', 'DOCS', '--text-column', 'Text');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /column public\.docs\.text does not exist; choose the text to embed with --text-column/);
});
