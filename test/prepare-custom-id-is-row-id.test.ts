// Each request carries its row's id as custom_id (so output matches rows by id, never by order) and the
// row's text as input, with the model, encoding and dimensions asked for.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('custom_id is the id as text, input the text, body as asked', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await db.sql(`CREATE TABLE notes (key text PRIMARY KEY, content text, vec vector(256), done vector(256))`);
  const rows = [['b/2', 'second "quoted" text'], ['a 1', 'first text\nwith a newline'], ['ü-3', 'third ✓']];
  await db.sql(`INSERT INTO notes (key, content) SELECT * FROM unnest($1::text[], $2::text[])`, [rows.map((r) => r[0]), rows.map((r) => r[1])]);
  await db.sql(`INSERT INTO notes (key, content, vec) VALUES ('filled', 'has a vector', array_fill(0.5, ARRAY[256])::vector)`);

  const r = await vecfill(db)('prepare', '--table', 'notes', '--id-column', 'key', '--text-column', 'content', '--column', 'vec',
    '--model', 'text-embedding-3-large', '--dimensions', '256', '--encoding', 'float', '--out', dir.dir, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = json(r);
  const requests = (await readFile(dir.path('requests-0001.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const byId = new Map(requests.map((q) => [q.custom_id, q]));
  assert.deepEqual([...byId.keys()].sort(), rows.map((r) => r[0]).sort(), 'the row that has a vector is not sent');
  for (const [id, text] of rows) {
    assert.deepEqual(byId.get(id), {
      custom_id: id, method: 'POST', url: '/v1/embeddings',
      body: { model: 'text-embedding-3-large', encoding_format: 'float', dimensions: 256, input: text },
    });
  }
  assert.equal(s.outputDims, 256);
  const manifest = JSON.parse(await readFile(dir.path('requests.manifest.json'), 'utf8'));
  assert.deepEqual([manifest.table, manifest.idColumn, manifest.column, manifest.model, manifest.dimensions, manifest.encoding],
    [{ schema: 'public', name: 'notes' }, 'key', 'vec', 'text-embedding-3-large', 256, 'float']);
});

test('by default: text-embedding-3-small, base64, no dimensions sent; --where narrows the rows', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await db.sql(`CREATE TABLE docs (id int PRIMARY KEY, lang text, body text, embedding vector(1536))`);
  await db.sql(`INSERT INTO docs (id, lang, body) VALUES (1, 'en', 'one'), (2, 'de', 'zwei'), (3, 'en', 'three')`);

  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--where', "lang = 'en' -- a trailing comment stays inside the condition", '--out', dir.dir);
  assert.equal(r.code, 0, r.stderr);
  const requests = (await readFile(dir.path('requests-0001.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(requests.map((q) => [q.custom_id, q.body]), [
    ['1', { model: 'text-embedding-3-small', encoding_format: 'base64', input: 'one' }],
    ['3', { model: 'text-embedding-3-small', encoding_format: 'base64', input: 'three' }],
  ]);
  assert.match(r.stdout, /wrote 2 requests for public\.docs\.embedding/);
});
