// Issue 7's "Done when": a bad day of the API. One call in eight fails (500, or 429 with Retry-After),
// one download in eight is cut half-way, the first batch expires, some texts are refused. ONE run on
// 3,000 rows (VECFILL_TEST_LARGE=1; by default 600 in as many batches, as many calls and faults) ends
// with exit 3, every good row exact, and no request run twice (a row goes again only
// when its earlier request never ran: the expired batch's rest). Then two runs started together on the
// same bad day: each row embedded once, both exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, vecfill, type TestDb } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, ranRows, RUN_ARGS } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';
import { sized } from './helpers/sizes.js';

const BAD_DAY = { rate: 1 / 8, cutDownloads: 1 / 8 };
const ROWS = sized(600, 3000);
// The backoff doubles from 10 ms instead of 500: the same waits, the same log lines, in less time.
const FAST_BACKOFF = { VECFILL_BACKOFF_BASE_MS: '10' };

/** Every row holds exactly the server's vector for its text, bit for bit, but the refused ones (NULL). */
async function assertExact(db: TestDb, texts: Map<number, string>, refused: number[]): Promise<void> {
  const { rows } = await db.sql(`SELECT id::int AS id, vector_send(embedding) AS b FROM docs ORDER BY id`);
  assert.equal(rows.length, texts.size);
  for (const { id, b } of rows as { id: number; b: Buffer | null }[]) {
    if (refused.includes(id)) {
      assert.equal(b, null, `refused row ${id} is NULL`);
      continue;
    }
    const want = expectedEmbedding(texts.get(id)!, 1536);
    const bytes = Buffer.alloc(4 + 4 * want.length);
    bytes.writeInt16BE(want.length, 0);
    want.forEach((f, k) => bytes.writeFloatBE(f, 4 + 4 * k));
    assert.ok(b !== null && bytes.equals(b), `row ${id} holds the server's vector`);
  }
}

test(`done when: one run through a bad day of the API, ${ROWS} rows`, async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { faults: BAD_DAY, expireBatches: [0] });
  const refused = [7, ROWS / 3, ROWS - 1];
  const texts = await numberedDocs(db, ROWS, Object.fromEntries(refused.map((id) => [id, 'REFUSE'])));
  const r = await vecfill(db, server, FAST_BACKOFF)(...RUN_ARGS, '--max-requests', String(ROWS / 10), '--json');
  assert.equal(r.code, 3, r.stderr);
  const s = json(r);
  assert.deepEqual([s.rows, s.filled, s.failedForGood], [ROWS, ROWS - refused.length, refused.length]);
  await assertExact(db, texts, refused);

  const ran = ranRows(server);
  assert.equal(ran.size, ROWS, 'every row\'s request ran');
  assert.deepEqual([...ran].filter(([, n]) => n !== 1), [], 'no request ran twice: nothing embedded, nor paid for, twice');
  const [first] = server.state.batches.values();
  assert.equal(first.json.status, 'expired');
  assert.ok(first.ran.length > 0 && first.ran.length < first.plan.requests.length, 'the expired batch ran part of its requests');

  // The bad day really happened, and each fault was waited out with a line on stderr.
  const f = server.state.faults;
  assert.ok(f.errors500 > 0 && f.errors429 > 0 && f.cutDownloads > 0, JSON.stringify(f));
  assert.match(r.stderr, /HTTP 500 server_error; trying again in/);
  assert.match(r.stderr, /HTTP 429 rate_limit_exceeded; trying again in \d+ ms \(as the server asked\)/);
  assert.match(r.stderr, /the download of file \S+ broke off after \d+ bytes .*; trying again in/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('done when: two runs started together on a bad day embed each row once, both exit 0', serverOnly("two run processes on one database at once"), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { faults: { ...BAD_DAY, seed: 11 }, steps: { in_progress: 2 } });
  const texts = await numberedDocs(db, 600);
  const v = vecfill(db, server, FAST_BACKOFF);
  const args = [...RUN_ARGS, '--max-requests', '100', '--json'];
  const [a, b] = await Promise.all([v.child(...args), v.child(...args)]);
  assert.deepEqual([a.code, b.code], [0, 0], a.stderr + b.stderr);
  assert.deepEqual([json(a).filled, json(b).filled], [600, 600]);
  await assertExact(db, texts, []);
  const ran = ranRows(server);
  assert.equal(ran.size, 600);
  assert.deepEqual([...ran].filter(([, n]) => n !== 1), [], 'each row embedded once');
  assert.ok(server.state.faults.errors500 + server.state.faults.errors429 > 0, 'faults were injected');
});
