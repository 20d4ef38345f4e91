// A column that cannot hold the model's vectors is refused before anything is written (let alone
// paid for), with a message that names both sizes.
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { test } from 'node:test';
import { docsTable, freshDatabase, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('vector(1536) with text-embedding-3-large (3072) is refused, nothing written', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'text']]);
  const out = dir.path('out');

  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--model', 'text-embedding-3-large', '--out', out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /column public\.docs\.embedding is vector\(1536\) but text-embedding-3-large returns 3072 dimensions; pass --dimensions 1536/);
  await assert.rejects(access(out), { code: 'ENOENT' }, 'not even the directory is created');
});

test('--dimensions that differ from the column are refused too', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'text']], 'halfvec(512)');

  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--dimensions', '256', '--out', dir.path('out'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /halfvec\(512\) but text-embedding-3-small returns 256 dimensions \(--dimensions\)/);
  await assert.rejects(access(dir.path('out')), { code: 'ENOENT' });

  const ok = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--dimensions', '512', '--out', dir.path('ok'));
  assert.equal(ok.code, 0, ok.stderr);
});

test('text-embedding-ada-002 takes no --dimensions (a usage error)', async (t) => {
  const db = await freshDatabase(t);
  await docsTable(db, [[1, 'text']]);
  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--model', 'text-embedding-ada-002', '--dimensions', '1536');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /text-embedding-ada-002 does not take --dimensions/);
});
