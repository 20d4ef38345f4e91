// vecfill emulate as a process: it prints its URL, serves `vecfill run` (the official SDK) a whole
// round trip into a real PostgreSQL, logs each request on stderr without the key, says its vectors are
// emulated, and exits 0 on SIGTERM. The vectors keep their meaning in pgvector: a text's nearest
// neighbour is the one that shares its words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_KEY, docsTable, freshDatabase, json, storedVector } from './helpers/batch.js';
import { startEmulate } from './helpers/emulate.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { RUN_ARGS } from './helpers/run-fill.js';
import { run } from './helpers/run.js';

const TEXTS: [number, string][] = [
  [1, 'The cat sat on the mat.'],
  [2, 'Dog barks at mailman'],
  [3, 'quarterly revenue grew in Europe'],
  [4, 'the cat and the mat'],
  [5, 'Revenue in Europe, quarterly'],
  [6, 'mailman bitten: dog barks!'],
];

test('vecfill emulate serves vecfill run a whole round trip, then exits 0 on SIGTERM', async (t) => {
  const db = await freshDatabase(t);
  await docsTable(db, TEXTS);
  const emulator = await startEmulate(t, ['--port', '0', '--steps', '2']);
  assert.match(emulator.baseURL, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);

  const env = { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.baseURL };
  const r = await run([RUN_ARGS[0], '--db', db.url, ...RUN_ARGS.slice(1), '--json'], '', env);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([json(r).filled, json(r).unfilled], [TEXTS.length, 0]);
  for (const [id, text] of TEXTS) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);

  const { rows } = await db.sql(`
    SELECT a.id::int AS id, (SELECT b.id::int FROM docs b WHERE b.id <> a.id ORDER BY b.embedding <=> a.embedding LIMIT 1) AS nearest
    FROM docs a ORDER BY a.id`);
  assert.deepEqual(rows.map((x) => [x.id, x.nearest]), [[1, 4], [2, 6], [3, 5], [4, 1], [5, 3], [6, 2]]);

  const stopped = await emulator.stop('SIGTERM');
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.equal(stopped.stdout, `${emulator.baseURL}\n`, 'stdout holds the URL alone');
  assert.match(stopped.stderr, /its vectors are EMULATED .*not a model's/);
  const log = stopped.stderr.split('\n').filter((line) => /^vecfill emulate: (GET|POST|DELETE) /.test(line));
  for (const wanted of [/^vecfill emulate: POST \/v1\/files 200$/, /^vecfill emulate: POST \/v1\/batches 200$/,
    /^vecfill emulate: GET \/v1\/batches\/batch_\w+ 200$/, /^vecfill emulate: GET \/v1\/files\/file-\w+\/content 200$/]) {
    assert.ok(log.some((line) => wanted.test(line)), `a log line like ${wanted}:\n${log.join('\n')}`);
  }
  assert.match(stopped.stderr, /stopped after \d+ requests\n$/);
  assert.ok(!stopped.stderr.includes(API_KEY) && !stopped.stderr.includes('Bearer'), 'the key is never logged');
});
