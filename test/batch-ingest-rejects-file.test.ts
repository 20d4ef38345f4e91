// ingest --batch --rejects goes through the same rejects file as a file ingest: written beside its path
// and put in place at the end; a path that cannot be written fails with a clear message, exit 1, and a
// full disk (/dev/full, a full tmpfs) stops the batch before its COMMIT (no vector, not marked ingested)
// and leaves an older rejects file as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill, type Vecfill, type TestDb } from './helpers/batch.js';
import { readRejects, tempDir } from './helpers/files.js';

async function submitted(t: import('node:test').TestContext): Promise<{ db: TestDb; v: Vecfill; batchId: string; dir: Awaited<ReturnType<typeof tempDir>> }> {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'REFUSE this one'], [3, 'three']]);
  const v = vecfill(db, server);
  const p = await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.path('req'));
  assert.equal(p.code, 0, p.stderr);
  const { batches } = json(await v('submit', '--json', dir.path('req/requests-0001.jsonl')));
  server.state.advanceAll();
  return { db, v, batchId: batches[0].batchId, dir };
}

async function untouched(db: TestDb): Promise<void> {
  const { rows } = await db.sql(`SELECT (SELECT count(*)::int FROM docs WHERE embedding IS NOT NULL) AS filled, (SELECT count(*)::int FROM vecfill.batches WHERE ingested_at IS NOT NULL) AS ingested`);
  assert.deepEqual(rows[0], { filled: 0, ingested: 0 });
}

test('--batch --rejects FILE: the records replace the older file at the end, nothing left beside', async (t) => {
  const s = await submitted(t);
  const rejects = s.dir.path('rejects.jsonl');
  await writeFile(rejects, 'older\n');
  const r = await s.v('ingest', '--batch', s.batchId, '--rejects', rejects);
  assert.equal(r.code, 3, r.stderr);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((x) => [x.custom_id, x.code]), [['2', 'http_error']]);
  assert.deepEqual((await readdir(s.dir.dir)).sort(), ['rejects.jsonl', 'req']);
});

test('--batch --rejects a directory: exit 1 before anything is ingested', async (t) => {
  const s = await submitted(t);
  const r = await s.v('ingest', '--batch', s.batchId, '--rejects', s.dir.dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^vecfill ingest: cannot write the rejects file .*: it is a directory; nothing was changed\n$/);
  await untouched(s.db);
});

test('--batch --rejects /dev/full: exit 1, the batch rolled back and not marked ingested', async (t) => {
  const s = await submitted(t);
  const r = await s.v('ingest', '--batch', s.batchId, '--rejects', '/dev/full');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^vecfill ingest: cannot write the rejects file \/dev\/full: no space left on device; nothing was changed\n$/);
  await untouched(s.db);
});

test('--batch --rejects on a full disk: exit 1, the older file as it was, no temporary file left', { skip: process.getuid?.() !== 0 && 'needs root, to mount a tmpfs' }, async (t) => {
  const s = await submitted(t);
  const mnt = s.dir.path('full');
  await mkdir(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', mnt]);
  try {
    await writeFile(`${mnt}/rejects.jsonl`, 'older\n'); // the one block there is
    const r = await s.v('ingest', '--batch', s.batchId, '--rejects', `${mnt}/rejects.jsonl`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^vecfill ingest: cannot write the rejects file .*full\/rejects\.jsonl: no space left on device; nothing was changed\n$/);
    assert.equal(await readFile(`${mnt}/rejects.jsonl`, 'utf8'), 'older\n');
    assert.deepEqual(await readdir(mnt), ['rejects.jsonl']);
    await untouched(s.db);
  } finally {
    execFileSync('umount', [mnt]);
  }
});
