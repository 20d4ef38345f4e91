// Killed (SIGKILL) in the middle of ingesting a finished batch, run started again ingests that batch
// (its transaction never committed, so the ledger never marked it), submits nothing again, and every
// row ends filled exactly once. The test holds a lock on the table so the run's UPDATE waits, and
// kills it while it waits.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import pg from 'pg';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { spawnCli } from './helpers/cli.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { finish } from './helpers/run.js';
import { batchesCreated, numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';

test('SIGKILL while a batch is being ingested, then run again: the batch is ingested, nothing resubmitted', serverOnly('kills the run process while it holds the database'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const texts = await numberedDocs(db, 40);
  const v = vecfill(db, server);

  const locker = new pg.Client({ connectionString: db.url });
  locker.on('error', () => {}); // the database is dropped with FORCE after the test
  await locker.connect();
  t.after(() => locker.end());
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE docs IN EXCLUSIVE MODE'); // reads go on; the run's UPDATE waits

  const [command, ...rest] = RUN_ARGS;
  const child = spawnCli([command, '--db', db.url, ...rest], v.env);
  const first = finish(child);
  const updateWaiting = async () => (await db.sql(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%'`)).rows[0].n as number;
  for (let i = 0; i < 600 && (await updateWaiting()) === 0; i++) await sleep(50);
  assert.equal(await updateWaiting(), 1, "the run's ingest reached its UPDATE");
  child.kill('SIGKILL');
  assert.equal((await first).signal, 'SIGKILL');
  await locker.query('COMMIT');
  const { rows: [before] } = await db.sql('SELECT count(*)::int AS n FROM docs WHERE embedding IS NOT NULL');
  assert.equal(before.n, 0, 'the killed ingest applied nothing');
  const created = batchesCreated(server);

  const r = await v(...RUN_ARGS, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, 40);
  assert.equal(batchesCreated(server), created, 'no batch created again');
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  assert.deepEqual([...submittedRows(server).values()].filter((n) => n !== 1), [], 'no row submitted twice');
  const { rows: [ledger] } = await db.sql(`SELECT count(*) FILTER (WHERE ingested_at IS NULL)::int AS open FROM vecfill.batches`);
  assert.equal(ledger.open, 0, 'every batch marked ingested');
});
