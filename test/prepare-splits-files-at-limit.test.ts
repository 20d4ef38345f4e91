// prepare never puts more than 50,000 requests (the Batch API's limit) or more than its byte limit
// into one file: 50,001 rows make two files, and every row is in exactly one of them.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { prepareRequests as prepare } from '../src/batch/prepare.js'; // maxBytes is an internal knob
import { freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { custom_id: string });

test('50,001 rows make a file of 50,000 requests and a file of 1', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await db.sql(`CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(1536))`);
  await db.sql(`INSERT INTO docs (id, body) SELECT g, 'row ' || g FROM generate_series(1, 50001) g`);

  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = json(r);
  assert.deepEqual(s.files.map((f: { file: string; requests: number }) => [f.file, f.requests]), [['requests-0001.jsonl', 50000], ['requests-0002.jsonl', 1]]);
  const first = await lines(dir.path('requests-0001.jsonl'));
  const second = await lines(dir.path('requests-0002.jsonl'));
  assert.equal(first.length, 50000);
  assert.deepEqual(second.map((l) => l.custom_id), ['50001']);
  assert.equal(new Set(first.map((l) => l.custom_id)).size, 50000);
  assert.equal(s.requests, 50001);
});

test('a byte limit starts a new file before a request would cross it', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await db.sql(`CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(1536))`);
  await db.sql(`INSERT INTO docs (id, body) SELECT g, repeat('word ', 50) FROM generate_series(1, 10) g`);

  const maxBytes = 1000;
  const s = await prepare({ db: db.url, table: 'docs', textColumn: 'body', out: dir.dir, maxBytes });
  assert.ok(s.files.length >= 3, `expected several files, got ${s.files.length}`);
  let total = 0;
  for (const f of s.files) {
    const bytes = (await readFile(f.path)).length;
    assert.equal(bytes, f.bytes);
    assert.ok(bytes <= maxBytes, `${f.file} has ${bytes} bytes`);
    total += (await lines(f.path)).length;
  }
  assert.equal(total, 10);
});
