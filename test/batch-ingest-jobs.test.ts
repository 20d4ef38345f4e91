// --jobs N ingests up to N finished batches at once, each on its own connection and in its own
// transaction, and each exactly once: the ledger, the rows and a statement trigger counting the
// UPDATEs say so. A slow statement trigger (it logs its backend and the time, then sleeps) keeps
// each batch's transaction open long enough that the log proves the overlap; and a second process
// ingesting the same batches at the same time takes turns with the first on each batch's lock. A
// batch that fails lets the others under way finish, and the summary says what became of each.
import assert from 'node:assert/strict';
import pg from 'pg';
import { test } from 'node:test';
import { spawnCli } from './helpers/cli.js';
import { fakeOpenAI, freshDatabase, json, storedVector, submitRows, vecfill, type TestDb } from './helpers/batch.js';
import { numberedDocs } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';
import { countUpdates, until } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { finish } from './helpers/run.js';

const SLEEP_S = 0.4;

/** docs with `n` numbered texts, each UPDATE statement on it logged (backend, time) and slowed. */
async function slowDocs(db: TestDb, n: number): Promise<Map<number, string>> {
  const texts = await numberedDocs(db, n);
  await db.sql('CREATE TABLE update_log (pid int, at timestamptz)');
  await db.sql(`CREATE FUNCTION log_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO update_log VALUES (pg_backend_pid(), clock_timestamp()); PERFORM pg_sleep(${SLEEP_S}); RETURN NULL; END $$`);
  await db.sql('CREATE TRIGGER log_update BEFORE UPDATE ON docs FOR EACH STATEMENT EXECUTE FUNCTION log_update()');
  return texts;
}

/** The most UPDATE statements that were sleeping at the same moment, and how many backends ran them. */
async function overlap(db: TestDb): Promise<{ most: number; backends: number }> {
  const { rows } = await db.sql('SELECT pid, extract(epoch FROM at)::float8 AS t FROM update_log ORDER BY at');
  const most = Math.max(...rows.map((a) => rows.filter((b) => b.t <= a.t && a.t < b.t + SLEEP_S).length));
  return { most, backends: new Set(rows.map((r) => r.pid)).size };
}

async function everyRowFilled(db: TestDb, texts: Map<number, string>): Promise<void> {
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
}

async function ledger(db: TestDb): Promise<{ batch_id: string; ingested: boolean; rows_updated: number }[]> {
  return (await db.sql('SELECT batch_id, ingested_at IS NOT NULL AS ingested, rows_updated::int FROM vecfill.batches ORDER BY created_at')).rows;
}

test('ingest --all-completed --jobs 3: batches ingested at once, on three connections, each exactly once', serverOnly('three sessions at once'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = await slowDocs(db, 18);
  const batches = await submitRows(db, server, dir.dir, { maxRequests: 3 });
  assert.equal(batches.length, 6);
  server.state.advanceAll();
  const updates = await countUpdates('docs', db.sql);

  const r = await vecfill(db, server)('ingest', '--all-completed', '--jobs', '3', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = json(r).batches;
  assert.deepEqual(out.map((b: { batchId: string }) => b.batchId), batches, 'every batch reported, in order');
  assert.ok(out.every((b: { outcome: string }) => b.outcome === 'ingested'));
  for (const b of batches) assert.match(r.stderr, new RegExp(`${b}: ingesting\\n[^]*${b}: done after \\d+\\.\\d s`));
  assert.deepEqual(await ledger(db), batches.map((b) => ({ batch_id: b, ingested: true, rows_updated: 3 })));
  assert.equal(await updates.count(), 6, 'one UPDATE per batch: none ingested twice');
  await everyRowFilled(db, texts);
  const o = await overlap(db);
  assert.equal(o.backends, 3, 'three connections');
  assert.ok(o.most >= 2, `ingests overlapped in time (at most ${o.most} at once)`);
});

test('two processes ingest --all-completed --jobs 2 at once: no batch ingested twice', serverOnly('two processes at once'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = await slowDocs(db, 24);
  const batches = await submitRows(db, server, dir.dir, { maxRequests: 3 });
  server.state.advanceAll();
  const updates = await countUpdates('docs', db.sql);

  // A third session holds the table until both processes have both their connections open, and the
  // first batches wait on the table: then both are surely at it at the same time.
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  holder.on('error', () => {});
  t.after(() => holder.end());
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE docs IN SHARE MODE');
  const v = vecfill(db, server);
  const done = Promise.all([0, 1].map(() => finish(spawnCli(['ingest', '--db', db.url, '--all-completed', '--jobs', '2', '--json'], v.env))));
  await until(async () => {
    // From a session of its own: inside the holder's transaction, pg_stat_activity would not change.
    const { rows: [n] } = await db.sql(`SELECT count(*)::int AS open, (count(*) FILTER (WHERE wait_event_type = 'Lock'))::int AS waiting
      FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'vecfill ingest'`);
    return n.open === 4 && n.waiting >= 2;
  }, 'both processes with two connections each, ingests waiting on the table');
  await holder.query('COMMIT');
  const [a, b] = await done;
  assert.deepEqual([a.code, b.code], [0, 0], a.stderr + b.stderr);
  const ingested = [a, b].flatMap((x) => json(x).batches.filter((r: { outcome: string }) => r.outcome === 'ingested').map((r: { batchId: string }) => r.batchId));
  assert.deepEqual(ingested.sort(), [...batches].sort(), 'each batch ingested by exactly one of them');
  assert.equal(await updates.count(), batches.length, 'one UPDATE per batch');
  assert.deepEqual(await ledger(db), batches.map((id) => ({ batch_id: id, ingested: true, rows_updated: 3 })));
  for (const id of batches) {
    const output = server.state.batches.get(id)!.json.output_file_id!;
    assert.equal(server.state.requests.filter((q) => q.path === `/v1/files/${output}/content`).length, 1, `${id} downloaded once`);
  }
  await everyRowFilled(db, texts);
});

test('--jobs 3: a batch that fails lets the others finish; each one\'s fate is said, exit 1', serverOnly('three sessions at once'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = await slowDocs(db, 9);
  const batches = await submitRows(db, server, dir.dir, { maxRequests: 3 });
  server.state.advanceAll();
  const refused = (await db.sql('SELECT row_id::int AS id FROM vecfill.batch_rows WHERE batch_id = $1 LIMIT 1', [batches[0]])).rows[0].id;
  await db.sql(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.id = ${refused} THEN RAISE EXCEPTION 'row ${refused} is frozen by policy'; END IF; RETURN NEW; END $$`);
  await db.sql('CREATE TRIGGER refuse BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION refuse()');

  const r = await vecfill(db, server)('ingest', '--all-completed', '--jobs', '3', '--json');
  assert.equal(r.code, 1, r.stderr);
  const out = json(r);
  assert.deepEqual(out.batches.map((b: { batchId: string }) => b.batchId), batches.slice(1), 'the two beside it finished');
  assert.deepEqual(out.failed.map((f: { batchId: string }) => f.batchId), [batches[0]]);
  assert.match(out.failed[0].error, /frozen by policy/);
  assert.match(r.stderr, new RegExp(`frozen by policy.*; batch ${batches[0]} was rolled back, the 2 ingested before or beside it \\(.*\\) are kept: run it again for the rest\\n$`));
  assert.deepEqual((await ledger(db)).map((x) => x.ingested), [false, true, true]);
  await db.sql('DROP TRIGGER refuse ON docs');
  const again = await vecfill(db, server)('ingest', '--all-completed', '--jobs', '3', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(json(again).batches.map((b: { batchId: string }) => b.batchId), [batches[0]]);
  await everyRowFilled(db, texts);
});

test('--jobs 3, interrupted while three batches are under way: all three roll back, exit 1', serverOnly('a signal to a process that holds three sessions'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await numberedDocs(db, 12);
  await db.sql(`CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END $$`);
  await db.sql('CREATE TRIGGER slow BEFORE UPDATE ON docs FOR EACH STATEMENT EXECUTE FUNCTION slow()');
  await submitRows(db, server, dir.dir, { maxRequests: 3 });
  server.state.advanceAll();

  const v = vecfill(db, server);
  const child = spawnCli(['ingest', '--db', db.url, '--all-completed', '--jobs', '3'], v.env);
  const result = finish(child);
  await until(async () => (await db.sql(`SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'vecfill ingest' AND wait_event = 'PgSleep'`)).rows[0].n === 3, 'three batches in their UPDATE');
  child.kill('SIGINT');
  const r = await result;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /interrupted by SIGINT/);
  assert.match(r.stderr, /nothing was changed\n$/);
  assert.equal((await db.sql('SELECT count(embedding)::int AS n FROM docs')).rows[0].n, 0, 'every batch rolled back');
  assert.deepEqual((await ledger(db)).map((x) => x.ingested), [false, false, false, false]);
});
