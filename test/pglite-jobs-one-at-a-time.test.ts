// The embedded database is one session in the process that opened it: --jobs N there ingests one
// batch at a time, says so once, and otherwise works as --jobs 1 does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, fakeOpenAI } from './helpers/batch.js';
import { pgliteDatabase } from './helpers/pglite.js';
import { RUN_ARGS } from './helpers/run-fill.js';
import { run } from './helpers/run.js';

test('run --jobs 3 and ingest --all-completed --jobs 2 on PGlite: one batch at a time, said once', async (t) => {
  const db = await pgliteDatabase(t);
  const server = await fakeOpenAI(t, { steps: { validating: 1, in_progress: 1 } });
  const env = { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL };
  await db.use(async (c) => {
    await c.query('CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(1536))');
    await c.query("INSERT INTO docs (id, body) SELECT i, 'text number ' || i FROM generate_series(1, 6) i");
  });

  const r = await run([RUN_ARGS[0], '--db', db.url, ...RUN_ARGS.slice(1), '--max-requests', '2', '--jobs', '3', '--json'], '', env, 120_000);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual([s.filled, s.batchesIngested], [6, 3]);
  assert.equal(r.stderr.match(/vecfill run: the embedded database is one session: --jobs 3 ingests one batch at a time\n/g)?.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /: ingesting\n/, 'no per-batch start lines: one at a time');

  const i = await run(['ingest', '--db', db.url, '--all-completed', '--jobs', '2'], '', env, 60_000);
  assert.equal(i.code, 0, i.stderr);
  assert.equal(i.stdout, 'no finished batch left to ingest\n');
  assert.match(i.stderr, /^vecfill ingest: the embedded database is one session: --jobs 2 ingests one batch at a time\n/);
});

test('ingest --jobs: a whole number ≥ 1, and only with --batch/--all-completed', async () => {
  for (const [args, message] of [
    [['ingest', '--all-completed', '--jobs', '0'], /--jobs takes a whole number ≥ 1/],
    [['ingest', '--table', 'docs', '--jobs', '2', 'out.jsonl'], /--jobs goes with --batch\/--all-completed/],
  ] as const) {
    const r = await run([...args, '--db', 'postgres://127.0.0.1:1/none'], '', { OPENAI_API_KEY: API_KEY });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});
