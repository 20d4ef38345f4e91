// Issue 4's "Done when", as one run: a table with some refused texts, an expiring first batch, flaky
// 500s and an enqueued-token limit. vecfill run fills every good row with exactly the
// server's vector, leaves the refused ones NULL with their reason in the ledger (final), exits 3, and a
// second run submits nothing: no batch created, nothing uploaded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { batchesCreated, numberedDocs, RUN_ARGS } from './helpers/run-fill.js';
import { sized } from './helpers/sizes.js';

// Issue 4 named 3,000 rows (VECFILL_TEST_LARGE=1); by default 600 prove the same: ten files, the same
// share of refusals, the same two files at a time under the token limits, scaled with the rows.
const ROWS = sized(600, 3000);
const PER_FILE = ROWS / 10;
const REFUSED = [1, ROWS / 12, ROWS / 3 - 1, ROWS / 2, Math.round(ROWS * 0.74), ROWS];
// The server counts words: "text number N" is 3 (vecfill's cl100k estimate is 4 or 5), so a file of
// PER_FILE rows is ~3 × PER_FILE to the server; all ten at once would overrun this limit.
const TOKEN_LIMIT = Math.round(PER_FILE * 40 / 3);
const MAX_ENQUEUED = Math.round(PER_FILE * 35 / 3); // in vecfill's estimate: two files (~5 × PER_FILE each) at a time

test(`done when: ${ROWS} rows, refusals, an expired first batch, flaky 500s, an enqueued-token limit`, async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { expireBatches: [0], flaky: { every: 9 }, enqueuedTokenLimit: TOKEN_LIMIT });
  const texts = await numberedDocs(db, ROWS, Object.fromEntries(REFUSED.map((id) => [id, 'REFUSE'])));
  const v = vecfill(db, server);
  const args = [...RUN_ARGS, '--max-requests', String(PER_FILE), '--max-enqueued-tokens', String(MAX_ENQUEUED)];

  const r = await v(...args, '--json');
  assert.equal(r.code, 3, r.stderr);
  const s = json(r);
  assert.deepEqual([s.rows, s.filled, s.unfilled, s.failedForGood], [ROWS, ROWS - REFUSED.length, REFUSED.length, REFUSED.length]);

  // Every good row holds exactly the server's vector, bit for bit; the refused ones are NULL.
  const { rows: stored } = await db.sql(`SELECT id::int AS id, vector_send(embedding) AS b FROM docs ORDER BY id`);
  assert.equal(stored.length, ROWS);
  for (const { id, b } of stored as { id: number; b: Buffer | null }[]) {
    if (REFUSED.includes(id)) {
      assert.equal(b, null, `refused row ${id} is NULL`);
      continue;
    }
    const want = expectedEmbedding(texts.get(id)!, 1536);
    const bytes = Buffer.alloc(4 + 4 * want.length);
    bytes.writeInt16BE(want.length, 0);
    want.forEach((f, k) => bytes.writeFloatBE(f, 4 + 4 * k));
    assert.ok(b !== null && bytes.equals(b), `row ${id} holds the server's vector`);
  }

  // The refused rows' reasons are in the ledger, final; no other row has a failure left.
  const { rows: failures } = await db.sql(
    `SELECT row_id::int AS id, last_code, final, attempts, last_reason <> '' AS has_reason FROM vecfill.row_failures ORDER BY row_id::int`);
  // A refused row that the expired first batch never reached failed twice: batch_expired, then its
  // refusal (expired requests are sent again, each attempt counted).
  const [expired] = server.state.batches.values();
  const neverRan = (id: number) => expired.plan.requests.some((q) => q.customId === String(id)) && !expired.ran.includes(String(id));
  assert.deepEqual(failures, REFUSED.map((id) => ({ id, last_code: 'http_400', final: true, attempts: neverRan(id) ? 2 : 1, has_reason: true })));

  // What the server went through: the first batch expired (its partial output was ingested), 500s were
  // injected and retried, the token limit was never hit, and every file vecfill was done with is gone.
  const batches = [...server.state.batches.values()];
  assert.equal(batches[0].json.status, 'expired');
  const { rows: [first] } = await db.sql(`SELECT rows_updated::int AS n FROM vecfill.batches WHERE batch_id = $1`, [batches[0].json.id]);
  assert.ok(first.n > 0, 'the expired batch\'s partial output was applied');
  assert.ok(server.state.requests.some((q) => q.status === 500), 'flaky 500s were answered');
  assert.deepEqual(batches.filter((b) => b.json.status === 'failed').map((b) => b.json.errors?.data[0]?.code), [], 'no batch failed (no token_limit_exceeded)');
  assert.match(r.stderr, /wait for room under --max-enqueued-tokens/, 'files waited for room under the limit');
  assert.ok(batches.length >= 11, `ten files and the expired batch's rest (${batches.length} batches)`);
  assert.equal(server.state.files.size, 0, 'every uploaded, output and error file was deleted');

  // A second run finds nothing to send: no batch, no upload.
  const batchesBefore = batchesCreated(server);
  const uploads = () => server.state.requests.filter((q) => q.method === 'POST' && q.path === '/v1/files').length;
  const uploadsBefore = uploads();
  const again = await v(...args, '--json');
  assert.equal(again.code, 3, again.stderr);
  assert.deepEqual([json(again).batchesSubmitted, json(again).filled, json(again).failedForGood], [0, ROWS - REFUSED.length, REFUSED.length]);
  assert.equal(batchesCreated(server), batchesBefore, 'no batch created by the second run');
  assert.equal(uploads(), uploadsBefore, 'nothing uploaded by the second run');
});
