// The whole round trip on the embedded database: `vecfill run` against the emulator fills every row
// with the emulator's vector and records its batches in the ledger; `vecfill status` reads them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, fakeOpenAI } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { pgliteDatabase, storedVectorIn } from './helpers/pglite.js';
import { RUN_ARGS } from './helpers/run-fill.js';
import { run } from './helpers/run.js';

test('run fills every row on PGlite; status shows its batches', async (t) => {
  const db = await pgliteDatabase(t);
  const server = await fakeOpenAI(t, { steps: { validating: 1, in_progress: 1 } });
  const env = { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL };
  const texts = new Map(Array.from({ length: 30 }, (_, i) => [i + 1, `text number ${i + 1}`] as [number, string]));
  await db.use(async (c) => {
    await c.query('CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(1536))');
    await c.query('INSERT INTO docs (id, body) SELECT * FROM unnest($1::int8[], $2::text[])', [[...texts.keys()], [...texts.values()]]);
  });

  const r = await run([RUN_ARGS[0], '--db', db.url, ...RUN_ARGS.slice(1), '--max-requests', '20', '--json'], '', env, 120_000);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual([s.rows, s.filled, s.unfilled, s.batchesSubmitted, s.batchesIngested], [30, 30, 0, 2, 2]);
  await db.use(async (c) => {
    for (const [id, text] of texts) assert.deepEqual(await storedVectorIn(c, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM vecfill.batches WHERE ingested_at IS NOT NULL AND status = 'completed'`);
    assert.equal(rows[0].n, 2);
  });

  const st = await run(['status', '--db', db.url, '--json'], '', env, 60_000);
  assert.equal(st.code, 0, st.stderr);
  const { batches } = JSON.parse(st.stdout);
  assert.equal(batches.length, 2);
  assert.ok(batches.every((b: { status: string }) => b.status === 'completed'), st.stdout);
});
