// Killed mid-stream, an ingest leaves the table as it was, also once the database has applied earlier
// segments inside the open transaction: every test feeds stdin past two 16 MiB COPY segments, and
// counts the UPDATEs that ran (a statement trigger) before the kill lands. kill -9 while a COPY runs,
// kill -9 while an UPDATE runs, SIGTERM mid-stream and SIGINT while stdin idles; the two signals must
// also exit 1 with a message that says it was interrupted and nothing changed.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { countUpdates, createTable, DB_URL, dropTable, sql, tableDigest, tableName, until } from './helpers/db.js';
import { spawnCli } from './helpers/cli.js';
import { finish } from './helpers/run.js';
import { embeddingLines } from './helpers/output.js';
import { childBackend, waitForBackendGone, waitForCopy } from './helpers/activity.js';
import { serverOnly } from './helpers/database-kind.js';

const ROWS = 10_000;
/** ~50 MB: two full segments (~2,700 lines each at 1536 dimensions) and part of a third. */
const LINES = 6_000;
/** A row of the second segment. */
const SECOND_SEGMENT_ROW = 4_000;

let input: Buffer | undefined;
/** The LINES lines as one buffer, made once for every test, written in slices. */
function* firstLines(): Generator<Buffer> {
  input ??= Buffer.from([...embeddingLines(LINES)].join(''));
  for (let at = 0; at < input.length; at += 1 << 20) yield input.subarray(at, at + (1 << 20));
}

/** Writes the chunks to the child's stdin, honouring backpressure; stdin stays open (the ingest cannot end). */
function pump(child: ChildProcess, chunks: Iterable<Buffer | string>) {
  let stopped = false;
  const done = (async () => {
    for (const chunk of chunks) {
      if (stopped || child.exitCode !== null || child.signalCode !== null) break;
      if (!child.stdin!.write(chunk)) {
        await new Promise<void>((resolve) => {
          const go = () => { child.stdin!.off('drain', go); child.off('exit', go); resolve(); };
          child.stdin!.once('drain', go);
          child.once('exit', go);
        });
      }
    }
  })();
  return { done, stop: () => { stopped = true; return done; } };
}

/** A 1536-dim table of ROWS rows (every 50th already holding a vector) and an ingest reading `lines` from stdin. */
async function ingestFromStdin(t: TestContext, lines: Iterable<Buffer | string>) {
  const table = tableName('kill');
  await createTable(table, Array.from({ length: ROWS }, (_, k) => k + 1), 'vector(1536)');
  t.after(() => dropTable(table));
  await sql(`UPDATE ${table} SET embedding = array_fill(0.5, ARRAY[1536])::vector WHERE id % 50 = 0`);
  const updates = await countUpdates(table);
  t.after(updates.drop);
  const before = await tableDigest(table);
  const child = spawnCli(['ingest', '--db', DB_URL, '--table', table]);
  const done = finish(child);
  const writer = pump(child, lines);
  const { pid } = await waitForCopy(child.pid!); // the first COPY opens before any input is read
  const segmentsApplied = (n: number) => until(async () => (await updates.count()) >= n, `${n} UPDATEs of the ingest`);
  return { table, child, done, writer, backend: pid, updates, before, segmentsApplied };
}

test('kill -9 while a COPY runs, two segments already applied: the table is unchanged', serverOnly('kills the ingest process while it holds the database'), async (t) => {
  const run = await ingestFromStdin(t, firstLines());
  await run.writer.done; // every line sent; stdin stays open
  await run.segmentsApplied(2);
  await waitForCopy(run.child.pid!); // the third segment's COPY, waiting for more input
  run.child.kill('SIGKILL');
  assert.equal((await run.done).signal, 'SIGKILL');
  await waitForBackendGone(run.backend);
  assert.equal(await tableDigest(run.table), run.before);
  assert.ok((await run.updates.count()) >= 2);
});

test('kill -9 while an UPDATE runs, after an earlier segment was applied: the table is unchanged', serverOnly('kills the ingest process while it holds the database'), async (t) => {
  const locker = new pg.Client({ connectionString: DB_URL });
  await locker.connect();
  t.after(() => locker.end());
  const run = await ingestFromStdin(t, firstLines());
  await locker.query('BEGIN');
  await locker.query(`SELECT 1 FROM ${run.table} WHERE id = $1 FOR UPDATE`, [SECOND_SEGMENT_ROW]); // the second UPDATE waits on it
  await until(async () => (await childBackend(run.child.pid!))?.waitEventType === 'Lock', 'the ingest\'s UPDATE waiting on the locked row');
  assert.match((await childBackend(run.child.pid!))!.query, /^UPDATE /);
  assert.equal(await run.updates.count(), 2, 'the first segment\'s UPDATE ran; the second is the one waiting');
  run.child.kill('SIGKILL');
  assert.equal((await run.done).signal, 'SIGKILL');
  await locker.query('ROLLBACK'); // the UPDATE goes on, then the backend finds its client gone
  await run.writer.stop();
  await waitForBackendGone(run.backend);
  assert.equal(await tableDigest(run.table), run.before);
});

test('SIGTERM mid-stream, two segments applied: exit 1, interrupted and nothing changed; the table is unchanged', serverOnly('signals the ingest process while it holds the database'), async (t) => {
  // More than gets read before the signal: the first lines, then the rest of the rows as they go.
  const run = await ingestFromStdin(t, (function* () { yield* firstLines(); yield* embeddingLines(ROWS - LINES, 1536, 1, LINES + 1); })());
  await run.segmentsApplied(2);
  run.child.kill('SIGTERM');
  const res = await run.done;
  await run.writer.stop();
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /interrupted/);
  assert.match(res.stderr, /nothing was changed/);
  assert.doesNotMatch(res.stderr, /\n\s+at |Unhandled/, 'a message, not a crash');
  await waitForBackendGone(run.backend);
  assert.equal(await tableDigest(run.table), run.before);
});

test('SIGINT while stdin is open but idle, two segments applied: exit 1 at once; the table is unchanged', serverOnly('signals the ingest process while it holds the database'), async (t) => {
  const run = await ingestFromStdin(t, firstLines());
  await run.writer.done;
  await run.segmentsApplied(2);
  await waitForCopy(run.child.pid!); // every line read: the ingest waits for more input
  const sent = Date.now();
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.ok(Date.now() - sent < 5_000, `exited ${Date.now() - sent} ms after SIGINT, without more input`);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /interrupted/);
  assert.match(res.stderr, /nothing was changed/);
  assert.doesNotMatch(res.stderr, /\n\s+at |Unhandled/, 'a message, not a crash');
  await waitForBackendGone(run.backend);
  assert.equal(await tableDigest(run.table), run.before);
});
