// Stream compliance of createIngestStream(), in the style of pg-copy-streams' tests: it works in
// pipeline() and fills the table, 'finish' comes once and only after COMMIT, `summary` settles once; an
// error upstream rolls back; destroy() rolls back and releases the connection it opened. And ingest()
// reads a Readable and an async iterable directly, calling onReject for each record.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { createIngestStream, ingest, TargetError, type RejectRecord } from '../src/index.js';
import { ON_PGLITE } from './helpers/database-kind.js';
import { countUpdates, createTable, DB_URL, dropTable, embeddedSession, snapshot, sql, storedVector, tableName, until, type UpdateCounter } from './helpers/db.js';
import { tempDir, writeLines } from './helpers/files.js';
import { okLine } from './helpers/output.js';
import { smallSegments } from './helpers/segments.js';

/** The test database as a URL whose connections pg_stat_activity shows under their own name. */
function namedUrl(): { url: string; name: string } {
  const name = `vecfill_stream_${randomBytes(4).toString('hex')}`;
  const u = new URL(DB_URL);
  u.searchParams.set('application_name', name);
  return { url: u.toString(), name };
}

/** Waits until the ingest has applied a segment: its UPDATE has moved the statement trigger's counter,
 *  read while the ingest's transaction is under way (countUpdates' now()). */
async function segmentApplied(updates: UpdateCounter): Promise<void> {
  await until(async () => (await updates.now()) > 0, 'a segment applied');
}

async function backends(name: string): Promise<number> {
  return (await sql('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0].n;
}

test('pipeline(createReadStream(f), createIngestStream()) fills the table; one finish, after COMMIT; one summary', async (t) => {
  const table = tableName('stream');
  await createTable(table, [1, 2, 3]);
  t.after(() => dropTable(table));
  const dir = await tempDir();
  t.after(dir.cleanup);
  const file = await writeLines(dir.path('out.jsonl'), [okLine('1', [1, 2, 3]), okLine('2', [4, 5, 6]), okLine('9', [0, 0, 0])]);

  // When 'finish' comes, COMMIT is done: on a server, another session sees the rows; the embedded
  // database has one session, whose statements would wait for the ingest's transaction to end
  // whatever the order, so there the session is asked whether a transaction is still open.
  const session = await embeddedSession();
  const stream = createIngestStream({ db: DB_URL, table });
  let finishes = 0;
  let settled = false;
  let settledAtFinish: boolean | undefined;
  let committed: Promise<boolean> | undefined;
  void stream.summary.then(() => (settled = true));
  stream.on('finish', () => {
    finishes++;
    settledAtFinish = settled;
    committed = session
      ? Promise.resolve(!session.isInTransaction())
      : sql(`SELECT count(embedding)::int AS n FROM ${table}`).then((r) => r.rows[0].n === 2);
  });
  await pipeline(createReadStream(file), stream);
  const summary = await stream.summary;
  assert.equal(summary.rowsUpdated, 2);
  assert.equal(summary.unknownIds, 1);
  assert.equal(finishes, 1);
  assert.equal(settledAtFinish, true, 'the summary (COMMIT done) is there before finish');
  assert.equal(await committed, true, 'COMMIT is done before finish');
  assert.deepEqual(Array.from((await storedVector(table, 2))!), [4, 5, 6]);
});

/** A table of 200 rows with a counter of the UPDATEs started on it, and its contents before. */
async function countedTable(t: TestContext) {
  const table = tableName('stream');
  await createTable(table, Array.from({ length: 200 }, (_, k) => k + 1));
  t.after(() => dropTable(table));
  const updates = await countUpdates(table);
  t.after(updates.drop);
  return { table, updates, before: await snapshot(table) };
}

test('an error upstream rolls back: pipeline rejects with it, the table is unchanged', async (t) => {
  const { table, updates, before } = await countedTable(t);
  const boom = new Error('the upstream broke');
  async function* failing() {
    for (let k = 1; k <= 200; k++) yield Buffer.from(okLine(String(k), [k, k, k]) + '\n');
    await segmentApplied(updates);
    throw boom;
  }
  const stream = createIngestStream(smallSegments({ db: DB_URL, table }, 1024));
  await assert.rejects(pipeline(Readable.from(failing()), stream), (e) => e === boom);
  await assert.rejects(stream.summary, (e) => e === boom);
  assert.ok((await updates.count()) > 0, 'a segment was applied before the failure');
  assert.deepEqual(await snapshot(table), before);
});

test('destroy() rolls back and releases the connection it opened', async (t) => {
  const { table, updates, before } = await countedTable(t);
  // On a server, the stream's own connection is seen by name in pg_stat_activity; the embedded
  // database has no second session to see it from, and its test is that the queries after run at all.
  const { url, name } = ON_PGLITE ? { url: DB_URL, name: '' } : namedUrl();
  const stream = createIngestStream(smallSegments({ db: url, table }, 1024));
  for (let k = 1; k <= 200; k++) stream.write(okLine(String(k), [k, 0, 1]) + '\n');
  await segmentApplied(updates).catch((err) => {
    stream.destroy(); // a test that fails here must not leave its transaction holding the database
    throw err;
  });
  if (!ON_PGLITE) assert.equal(await backends(name), 1, 'the stream holds one connection');
  stream.destroy();
  await once(stream, 'close');
  if (!ON_PGLITE) assert.equal(await backends(name), 0, 'no backend left once closed');
  assert.ok((await updates.count()) > 0, 'a segment was applied before destroy()');
  await assert.rejects(stream.summary, /destroyed/);
  assert.deepEqual(await snapshot(table), before);
});

test('a target that does not exist fails the pipeline at once, with the ingest\'s own error', async () => {
  const stream = createIngestStream({ db: DB_URL, table: `no_such_${randomBytes(4).toString('hex')}` });
  const endless = new Readable({ read() { this.push(Buffer.from(okLine('1', [1, 2, 3]) + '\n')); } });
  await assert.rejects(pipeline(endless, stream), TargetError);
});

test('ingest() reads a Readable and an async iterable directly, and calls onReject', async (t) => {
  const table = tableName('stream');
  await createTable(table, [1, 2, 3, 4]);
  t.after(() => dropTable(table));
  async function* generated() {
    yield Buffer.from(okLine('3', [3, 3, 3]) + '\n');
    yield new TextEncoder().encode(okLine('4', [4, 4, 4]) + '\n{"bad":\n');
  }
  const records: RejectRecord[] = [];
  const summary = await ingest({
    db: DB_URL, table, onReject: (r) => records.push(r),
    inputs: [Readable.from([Buffer.from(okLine('1', [1, 1, 1]) + '\n' + okLine('2', [2, 2, 2]) + '\n')]), generated()],
  });
  assert.equal(summary.rowsUpdated, 4);
  for (const id of [1, 2, 3, 4]) assert.deepEqual(Array.from((await storedVector(table, id))!), [id, id, id]);
  assert.deepEqual(records.map((r) => [r.file, r.line, r.code]), [['input 2', 3, 'malformed_json']]);
});
