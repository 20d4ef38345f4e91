// Two processes ingesting the same batch take turns on its lock: one ingests it, the other then finds
// it ingested: no error, no second download, rows applied once.
import assert from 'node:assert/strict';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { batchLockKey } from '../src/batch/target-lock.js';
import { docsTable, fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { spawnCli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { finish } from './helpers/run.js';
import { serverOnly } from './helpers/database-kind.js';

test('of two ingests of one batch, one ingests and the other finds it ingested', serverOnly('two processes ingest at once, while another session holds the batch'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two'], [3, 'three']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const id = json(await v('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;
  server.state.advanceAll();
  const outputFile = server.state.batches.get(id)!.json.output_file_id!;

  // Both start while a third session holds the batch, so both are sure to meet at the lock.
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  holder.on('error', () => {});
  t.after(() => holder.end());
  const key = batchLockKey(id);
  await holder.query('SELECT pg_advisory_lock($1::int4, hashtext($2))', [key.space, key.name]);
  const children = [0, 1].map(() => spawnCli(['ingest', '--db', db.url, '--batch', id, '--json'], v.env));
  const stderr = ['', ''];
  children.forEach((c, i) => c.stderr!.on('data', (d) => (stderr[i] += d)));
  const results = children.map((c) => finish(c));
  for (let i = 0; i < 200 && !stderr.every((s) => /being ingested by/.test(s)); i++) await sleep(50);
  assert.ok(stderr.every((s) => new RegExp(`${id}: being ingested by PostgreSQL backend pid \\d+`).test(s)), stderr.join('\n'));
  await holder.query('SELECT pg_advisory_unlock($1::int4, hashtext($2))', [key.space, key.name]);

  const [a, b] = await Promise.all(results);
  assert.deepEqual([a.code, b.code], [0, 0], a.stderr + b.stderr);
  const outcomes = [a, b].map((r) => json(r).batches[0].outcome).sort();
  assert.deepEqual(outcomes, ['already_ingested', 'ingested']);
  const downloads = server.state.requests.filter((q) => q.path === `/v1/files/${outputFile}/content`);
  assert.equal(downloads.length, 1, 'the output file was downloaded once');
  for (const [n, text] of [[1, 'one'], [2, 'two'], [3, 'three']] as const) assert.deepEqual(await storedVector(db, 'docs', n), expectedEmbedding(text, 1536));
  const { rows: [r] } = await db.sql('SELECT rows_updated::int AS n FROM vecfill.batches WHERE batch_id = $1', [id]);
  assert.equal(r.n, 3);
});
