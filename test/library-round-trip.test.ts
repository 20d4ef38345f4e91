// The whole Batch API round trip from the library (src/index.ts), against the emulator and PostgreSQL:
// prepare → submit → status → cancel → ingestBatch fills the rows and records the failures → retry
// writes the rows that may go again; and run() fills a table by itself. The OpenAI side is named as a
// library caller names it: { apiKey, baseURL }.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { cancel, ingestBatch, prepare, retry, run, similar, status, submit, type RejectRecord } from '../src/index.js';
import { API_KEY, docsTable, fakeOpenAI, freshDatabase, storedVector } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

const TEXTS = new Map<number, string>([
  [1, 'the first text'], [2, 'please REFUSE this one'], [3, 'RATELIMIT this one'],
  [4, 'the fourth text'], [5, 'the fifth text'], [6, 'the sixth text'],
]);

test('prepare, submit, status, cancel, ingestBatch and retry, from the library', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false });
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [...TEXTS]);
  const openai = { apiKey: API_KEY, baseURL: server.baseURL };

  const prepared = await prepare({ db: db.url, table: 'docs', textColumn: 'body', out: dir.dir, maxRequests: 3 });
  assert.equal(prepared.requests, 6);
  assert.deepEqual(prepared.files.map((f) => f.requests), [3, 3]);
  assert.ok(prepared.manifest);

  const submitted = await submit({ db: db.url, openai, files: prepared.files.map((f) => f.path), retryForMs: 0 });
  const [first, second] = submitted.batches.map((b) => b.batchId);
  assert.equal(submitted.batches.length, 2);
  assert.match(submitted.runId, /^vf_/);

  server.state.advance(first, 10);
  server.state.advance(second);
  const shown = await status({ db: db.url, openai });
  assert.deepEqual(shown.batches.map((b) => [b.batchId, b.status, b.ingested]), [[first, 'completed', false], [second, 'in_progress', false]]);

  const cancelled = await cancel({ db: db.url, openai, batchIds: [second] });
  assert.deepEqual(cancelled.batches, [{ batchId: second, status: 'cancelling', cancelled: true, inLedger: true }]);
  server.state.advanceAll();

  const rejected: RejectRecord[] = [];
  const done = await ingestBatch({ db: db.url, openai, batchId: first, onReject: (r) => rejected.push(r), rejects: dir.path('rejects.jsonl') });
  assert.equal(done.outcome, 'ingested');
  assert.equal(done.summary!.rowsUpdated, 1);
  assert.deepEqual(done.failures, { final: 1, retryable: 1, missing: 0 });
  assert.deepEqual(rejected.map((r) => [r.custom_id, r.code]).sort(), [['2', 'http_error'], ['3', 'http_error']]);
  const written = (await readFile(dir.path('rejects.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(written, rejected, 'the rejects file holds the records onReject got');
  assert.deepEqual(await storedVector(db, 'docs', 1), expectedEmbedding(TEXTS.get(1)!, 1536));
  assert.equal(await storedVector(db, 'docs', 2), null);

  const partial = await ingestBatch({ db: db.url, openai, batchId: second });
  assert.equal(partial.outcome, 'ingested');
  assert.equal(partial.status, 'cancelled');
  const again = await ingestBatch({ db: db.url, openai, batchId: second });
  assert.equal(again.outcome, 'already_ingested');

  const filled = (await db.sql('SELECT id::int FROM docs WHERE embedding IS NOT NULL ORDER BY id')).rows.map((r) => r.id as number);
  for (const id of filled) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(TEXTS.get(id)!, 1536), `row ${id}`);
  const unfilled = [...TEXTS.keys()].filter((id) => !filled.includes(id));
  assert.ok(filled.includes(1) && unfilled.includes(2) && unfilled.includes(3));

  // Every row without a vector may go again, but the refused one (an HTTP 400 fails for good).
  const retried = await retry({ db: db.url, table: 'docs', textColumn: 'body', out: dir.path('retry') });
  assert.equal(retried.failedForGood, 1);
  const ids = (await readFile(retried.files[0].path, 'utf8')).trim().split('\n').map((l) => Number(JSON.parse(l).custom_id));
  assert.deepEqual(ids.sort(), unfilled.filter((id) => id !== 2));
});

test('run() fills a table from the library', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  await docsTable(db, [...TEXTS].filter(([id]) => id !== 2 && id !== 3));
  const lines: string[] = [];
  const summary = await run({
    db: db.url, openai: { apiKey: API_KEY, baseURL: server.baseURL }, table: 'docs', textColumn: 'body',
    pollInterval: 0.05, log: (line) => lines.push(line),
  });
  assert.deepEqual([summary.rows, summary.filled, summary.unfilled, summary.batchesSubmitted, summary.batchesIngested], [4, 4, 0, 1, 1]);
  assert.equal(summary.table, 'public.docs');
  for (const id of [1, 4, 5, 6]) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(TEXTS.get(id)!, 1536), `row ${id}`);
  assert.ok(lines.some((l) => /ingested, 4 rows updated/.test(l)), lines.join('\n'));

  // similar(): the rows nearest to a row (never the row itself), and to a text embedded through the API.
  const near = await similar({ db: db.url, table: 'docs', id: '1', textColumn: 'body', k: 2 });
  assert.equal(near.neighbours.length, 2);
  assert.ok(near.neighbours.every((n) => n.id !== '1'), 'the row itself is left out');
  assert.ok(near.neighbours[0].distance <= near.neighbours[1].distance, 'nearest first');
  const byText = await similar({ db: db.url, openai: { apiKey: API_KEY, baseURL: server.baseURL }, table: 'docs', text: TEXTS.get(5)!, textColumn: 'body', k: 1 });
  assert.equal(byText.neighbours[0].id, '5', 'a row\'s own text finds the row');
  assert.ok(Math.abs(byText.neighbours[0].distance) < 1e-6, `distance ${byText.neighbours[0].distance}`);
});
