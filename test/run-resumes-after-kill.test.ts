// Killed (SIGKILL) once its first batch exists, run started again continues from the ledger: the
// batches in flight are polled, not resubmitted; no row is sent twice; every row ends filled.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { spawnCli } from './helpers/cli.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { finish } from './helpers/run.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';

test('SIGKILL after the first batch is created, then run again: nothing sent twice, all filled', serverOnly('kills the run process while it holds the database'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  server.state.autoAdvance = false; // the first run's batches stay in flight until it is killed
  const texts = await numberedDocs(db, 50);
  const v = vecfill(db, server);
  const [command, ...rest] = RUN_ARGS;
  const child = spawnCli([command, '--db', db.url, ...rest, '--max-requests', '20'], v.env);
  const first = finish(child);
  const batches = async () => {
    if (!(await db.sql(`SELECT to_regclass('vecfill.batches') IS NOT NULL AS ok`)).rows[0].ok) return 0;
    return (await db.sql(`SELECT count(*)::int AS n FROM vecfill.batches`)).rows[0].n as number;
  };
  for (let i = 0; i < 600 && (await batches()) === 0; i++) await sleep(50);
  assert.ok((await batches()) > 0, 'the first run recorded a batch');
  child.kill('SIGKILL');
  assert.equal((await first).signal, 'SIGKILL');
  const createdBeforeKill = server.state.batches.size;

  server.state.autoAdvance = true;
  const r = await v(...RUN_ARGS, '--max-requests', '20', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, 50);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  const sent = submittedRows(server);
  assert.equal(sent.size, 50);
  assert.deepEqual([...sent.entries()].filter(([, n]) => n !== 1), [], 'no row submitted twice');
  assert.equal(server.state.batches.size, 3, `3 batches in all (${createdBeforeKill} before the kill)`);
});
