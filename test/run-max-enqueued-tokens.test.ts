// --max-enqueued-tokens keeps the estimated tokens of the batches in flight under the organization's
// enqueued-token limit: request files that would exceed it wait until batches finish, and a file larger
// than it is split. Here the server counts tokens as vecfill does (cl100k_base), so a run that let more
// than the limit into flight would see a batch fail with token_limit_exceeded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTokens } from '../src/batch/tokens.js';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';

// "text number N" is 4 tokens for N ≤ 50: 50 rows are 200 tokens, files of 10 rows 40.
const LIMIT = 90;

async function setup(t: Parameters<typeof freshDatabase>[0]) {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { enqueuedTokenLimit: LIMIT, countTokens, steps: { in_progress: 3 } });
  const texts = await numberedDocs(db, 50);
  return { db, server, texts };
}

const failedOnLimit = (server: Awaited<ReturnType<typeof fakeOpenAI>>) =>
  [...server.state.batches.values()].filter((b) => b.json.errors?.data.some((e) => e.code === 'token_limit_exceeded')).length;

test('without --max-enqueued-tokens the batches overrun the limit (the control)', async (t) => {
  const { db, server } = await setup(t);
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '10', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(failedOnLimit(server) > 0, 'some batch failed with token_limit_exceeded');
});

test('files that would exceed --max-enqueued-tokens wait for batches to finish', async (t) => {
  const { db, server, texts } = await setup(t);
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '10', '--max-enqueued-tokens', String(LIMIT), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([json(r).filled, json(r).batchesSubmitted], [50, 5]);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  assert.equal(failedOnLimit(server), 0, 'no batch failed with token_limit_exceeded');
  assert.ok([...server.state.batches.values()].every((b) => b.json.status === 'completed'));
  assert.match(r.stderr, /submitting 20 requests in 2 files \(~80 tokens\); 3 more wait for room under --max-enqueued-tokens/);
  assert.ok([...submittedRows(server).values()].every((n) => n === 1), 'each row sent once');
});

test('a request file larger than --max-enqueued-tokens is split to fit', async (t) => {
  const { db, server } = await setup(t);
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-enqueued-tokens', String(LIMIT), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, 50);
  const batches = [...server.state.batches.values()];
  assert.deepEqual(batches.map((b) => b.plan.requests.length), [22, 22, 6], 'split at 88 tokens, not one file of 200');
  assert.ok(batches.every((b) => b.plan.tokens <= LIMIT && b.json.status === 'completed'));
  assert.equal(failedOnLimit(server), 0);
});

test('--max-enqueued-tokens takes a whole number', async (t) => {
  const db = await freshDatabase(t);
  const r = await vecfill(db)(...RUN_ARGS, '--max-enqueued-tokens', '0');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--max-enqueued-tokens takes a whole number/);
});
