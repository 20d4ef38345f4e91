// SIGTERM during run: it exits 1 promptly with a message (no stack trace), leaves nothing half-applied
// (the ledger and the table agree: a batch is marked ingested exactly when its rows hold their vectors),
// and a second run finishes the job without sending any row twice. Twice: while run waits between polls
// (a 60 s interval that the signal must cut short; on the embedded database too, run holding its
// directory), and in the middle of a batch's ingest (its UPDATE held by a lock, released just after the
// signal: a second session, so a server's).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill, type TestDb } from './helpers/batch.js';
import { childBackend } from './helpers/activity.js';
import { spawnCliWith } from './helpers/cli-with.js';
import { until } from './helpers/db.js';
import { expectedEmbedding, type OpenAIServer } from './helpers/openai-server.js';
import { finish } from './helpers/run.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';

/** run in a child process of its own, even on the embedded database (the test file's handle is
 *  released first: the child holds the directory until it exits). */
async function startRun(db: TestDb, server: OpenAIServer, ...extra: string[]) {
  const [command, ...rest] = RUN_ARGS;
  const child = await spawnCliWith([command, '--db', db.url, ...rest, '--max-requests', '10', ...extra], { env: vecfill(db, server).env });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: finish(child, undefined, 30_000), stderr: () => stderr };
}

/** SIGTERM, then the exit: 1, promptly, with one line that says so. */
async function terminate(run: { child: ChildProcess; done: ReturnType<typeof finish> }, withinMs: number) {
  const sent = Date.now();
  run.child.kill('SIGTERM');
  const res = await run.done;
  assert.ok(Date.now() - sent < withinMs, `exited ${Date.now() - sent} ms after SIGTERM`);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /\nvecfill run: interrupted by SIGTERM[^\n]*\n$/);
  assert.doesNotMatch(res.stderr, /\n\s+at |Unhandled/, 'a message, not a crash');
}

/** Every batch of the ledger is ingested exactly when the rows it carries hold their vectors. */
async function ledgerAgreesWithTable(db: TestDb, texts: Map<number, string>): Promise<void> {
  const { rows } = await db.sql(`SELECT b.batch_id, b.ingested_at IS NOT NULL AS ingested, array_agg(r.row_id::int) AS ids
    FROM vecfill.batches b JOIN vecfill.batch_rows r USING (batch_id) GROUP BY 1, 2`);
  for (const b of rows) {
    for (const id of b.ids as number[]) {
      assert.deepEqual(await storedVector(db, 'docs', id), b.ingested ? expectedEmbedding(texts.get(id)!, 1536) : null, `row ${id} of ${b.batch_id}`);
    }
  }
}

async function secondRunFinishes(t: TestContext, db: TestDb, server: OpenAIServer, texts: Map<number, string>): Promise<void> {
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '10', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, texts.size);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  assert.deepEqual([...submittedRows(server)].filter(([, n]) => n !== 1), [], 'no row sent twice');
  assert.equal(submittedRows(server).size, texts.size);
  t.diagnostic(`${server.state.batches.size} batches`);
}

test('SIGTERM while run waits for its batches: exit 1 at once, and a second run finishes', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false }); // the batches stay in flight
  const texts = await numberedDocs(db, 30);
  const run = await startRun(db, server, '--poll-interval', '60');
  await until(async () => /waiting: 3 batches in flight/.test(run.stderr()), 'run waiting for its three batches');
  await terminate(run, 3_000);
  await ledgerAgreesWithTable(db, texts);

  server.state.autoAdvance = true;
  await secondRunFinishes(t, db, server, texts);
});

test('SIGTERM in the middle of a batch\'s ingest: exit 1, nothing half-applied, and a second run finishes', serverOnly('signals the run process while it holds the database'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const texts = await numberedDocs(db, 30);
  const locker = new pg.Client({ connectionString: db.url });
  locker.on('error', () => {}); // the database is dropped with FORCE after the test
  await locker.connect();
  t.after(() => locker.end());
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE docs IN EXCLUSIVE MODE'); // reads go on; the ingest's UPDATE waits

  const run = await startRun(db, server);
  await until(async () => {
    const backend = await childBackend(run.child.pid!);
    return backend?.waitEventType === 'Lock' && backend.query.startsWith('UPDATE');
  }, 'the first ingest\'s UPDATE waiting on the lock');
  // The UPDATE would wait for the lock as long as it is held: the signal cancels it.
  await terminate(run, 3_000);
  await locker.query('COMMIT');
  const { rows } = await db.sql('SELECT count(*) FILTER (WHERE ingested_at IS NOT NULL)::int AS ingested, count(*)::int AS batches FROM vecfill.batches');
  assert.equal(rows[0].ingested, 0, 'the interrupted ingest did not commit');
  assert.equal((await db.sql('SELECT count(embedding)::int AS n FROM docs')).rows[0].n, 0);
  await ledgerAgreesWithTable(db, texts);

  await secondRunFinishes(t, db, server, texts);
});
