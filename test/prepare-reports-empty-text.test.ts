// NULL, empty and blank texts are never sent (the API refuses them, and a blank text has no meaning to
// embed): they are left out and reported by id, and prepare exits 3.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { docsTable, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('NULL, empty and blank texts are left out and reported', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'real text'], [2, null], [3, ''], [4, ' \n\t '], [5, 'more text']]);

  const v = vecfill(db);
  const r = await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir, '--json');
  assert.equal(r.code, 3, r.stderr);
  const s = json(r);
  assert.deepEqual(s.emptyText, { count: 3, ids: ['2', '3', '4'] });
  const sent = (await readFile(dir.path('requests-0001.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l).custom_id);
  assert.deepEqual(sent, ['1', '5']);

  const text = await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.path('again'));
  assert.equal(text.code, 3);
  assert.match(text.stdout, /left out, NULL or blank body: 3 rows \(ids 2, 3, 4\)/);
});

test('a table whose texts are all empty writes no file', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, null], [2, '']]);

  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.path('out'), '--json');
  assert.equal(r.code, 3, r.stderr);
  assert.deepEqual(json(r).files, []);
  await assert.rejects(readFile(dir.path('out/requests-0001.jsonl')), { code: 'ENOENT' });
});
