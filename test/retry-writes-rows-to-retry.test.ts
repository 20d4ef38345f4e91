// vecfill retry writes request files (prepare's format and manifest) for exactly the rows that may go
// again: failed but not for good, fewer than --max-attempts times, not in a batch in flight. Rows never
// submitted and rows refused for good are left out; the request shape follows the latest batch.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

const ids = async (path: string) => (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

test('retry: only the failed rows that may go again, in prepare\'s format', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two REFUSE'], [3, 'three RATELIMIT'], [4, 'four SERVERERR'], [5, 'five']]);
  const v = vecfill(db, server);
  assert.equal((await v('prepare', '--table', 'docs', '--text-column', 'body', '--encoding', 'float', '--out', dir.dir)).code, 0);
  assert.equal((await v('submit', dir.path('requests-0001.jsonl'))).code, 0);
  server.state.advanceAll();
  assert.equal((await v('ingest', '--all-completed')).code, 3);
  await db.sql(`INSERT INTO docs (id, body) VALUES (6, 'six, never submitted')`);

  const r = await v('retry', '--table', 'docs', '--text-column', 'body', '--out', dir.path('r1'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = json(r);
  assert.equal(s.requests, 2);
  assert.equal(s.failedForGood, 1);
  assert.equal(s.neverSubmitted, 1);
  const lines = await ids(dir.path('r1/retry-0001.jsonl'));
  assert.deepEqual(lines.map((l) => l.custom_id), ['3', '4']);
  assert.equal(lines[0].body.encoding_format, 'float', 'the latest batch\'s encoding');
  assert.equal(lines[0].body.input, 'three RATELIMIT');
  const manifest = JSON.parse(await readFile(dir.path('r1/retry.manifest.json'), 'utf8'));
  assert.deepEqual([manifest.table, manifest.column, manifest.files[0].requests], [{ schema: 'public', name: 'docs' }, 'embedding', 2]);

  // Submitted, those rows are in flight: nothing to retry.
  assert.equal((await v('submit', dir.path('r1/retry-0001.jsonl'))).code, 0);
  const inFlight = json(await v('retry', '--table', 'docs', '--text-column', 'body', '--out', dir.path('r2'), '--json'));
  assert.deepEqual([inFlight.requests, inFlight.inFlight], [0, 2]);
  const human = await v('retry', '--table', 'docs', '--text-column', 'body', '--out', dir.path('r2'));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^nothing to retry in public\.docs\.embedding\n(.|\n)*already in a batch in flight: 2 rows/);

  // Ingested again (second failure each), they are out of attempts at --max-attempts 2.
  server.state.advanceAll();
  assert.equal((await v('ingest', '--all-completed')).code, 3);
  const { rows } = await db.sql(`SELECT row_id, attempts FROM vecfill.row_failures WHERE NOT final ORDER BY row_id`);
  assert.deepEqual(rows, [{ row_id: '3', attempts: 2 }, { row_id: '4', attempts: 2 }]);
  const spent = json(await v('retry', '--table', 'docs', '--text-column', 'body', '--max-attempts', '2', '--out', dir.path('r3'), '--json'));
  assert.deepEqual([spent.requests, spent.outOfAttempts], [0, 2]);
  const third = json(await v('retry', '--table', 'docs', '--text-column', 'body', '--out', dir.path('r4'), '--json'));
  assert.equal(third.requests, 2, 'the default --max-attempts is 3');
});

test('retry: rows of a batch that failed as a whole go again', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const first = json(await v('submit', '--json', dir.path('requests-0001.jsonl')));
  server.state.failBatch(first.batches[0].batchId, { code: 'token_limit_exceeded', message: 'Enqueued token limit reached' });
  assert.equal((await v('status')).code, 0);
  const s = json(await v('retry', '--table', 'docs', '--text-column', 'body', '--out', dir.path('r'), '--json'));
  assert.equal(s.requests, 2);
});
