// A day-long run outlives its database connection: when its backend is terminated while batches are in
// flight, run says so, reconnects, and carries on from the ledger: every row filled, none sent twice.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { spawnCli } from './helpers/cli.js';
import { sql } from './helpers/db.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { finish } from './helpers/run.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';

test('run reconnects when its backend is terminated, and finishes from the ledger', serverOnly("terminates the run's backend (pg_terminate_backend)"), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  server.state.autoAdvance = false; // the batches stay in flight until the connection has been cut
  const texts = await numberedDocs(db, 60);
  const v = vecfill(db, server);
  const [command, ...rest] = RUN_ARGS;
  const child = spawnCli([command, '--db', db.url, ...rest, '--max-requests', '20', '--json'], v.env);
  const done = finish(child);
  const dbName = new URL(db.url).pathname.slice(1);
  const recorded = async () => (await db.sql(`SELECT to_regclass('vecfill.batches') IS NOT NULL AS ok`)).rows[0].ok
    && (await db.sql(`SELECT count(*)::int AS n FROM vecfill.batches`)).rows[0].n === 3;
  for (let i = 0; i < 400 && !(await recorded()); i++) await sleep(25);
  assert.ok(await recorded(), 'the run recorded its three batches');

  const { rows } = await sql(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = 'vecfill run'`, [dbName]);
  assert.ok(rows.length >= 1 && rows.every((r) => r.ok), 'the run\'s backend was terminated');
  await sleep(300);
  server.state.autoAdvance = true;

  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /vecfill run: the database: connection lost \(.*\); reconnecting, then going on from the ledger; trying again in/);
  assert.equal(json(r).filled, 60);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  const sent = submittedRows(server);
  assert.equal(sent.size, 60);
  assert.deepEqual([...sent.entries()].filter(([, n]) => n !== 1), [], 'no row sent twice');
});
