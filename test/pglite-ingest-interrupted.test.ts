// An ingest on the embedded database, interrupted: SIGTERM while its input streams in, SIGINT while
// stdin is open but idle. It exits 1 on its own, saying it was interrupted and nothing was changed; the
// table is as it was, and the directory is free for the next process (its vecfill.lock gone, not left
// to be taken over as stale). A child process of its own (spawnCliWith): the CLI that runs in this
// process on the embedded database would share the test runner's signals. On a server,
// ingest-kill-leaves-table-unchanged.test.ts signals an ingest that has applied segments.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCliWith } from './helpers/cli-with.js';
import { ON_PGLITE } from './helpers/database-kind.js';
import { createTable, DB_URL, dropTable, sql, tableDigest, tableName } from './helpers/db.js';
import { embeddingLines } from './helpers/output.js';
import { finish } from './helpers/run.js';

const EMBEDDED = { skip: !ON_PGLITE && 'the embedded database\'s: on a server, ingest-kill-leaves-table-unchanged.test.ts signals the ingest' };
const ROWS = 500;
const DIMS = 8;

/** A table of ROWS rows (every tenth with a vector already), and an ingest of it in a child reading stdin. */
async function ingestFromStdin(t: TestContext) {
  const table = tableName('sig');
  await createTable(table, Array.from({ length: ROWS }, (_, k) => k + 1), `vector(${DIMS})`);
  t.after(() => dropTable(table));
  await sql(`UPDATE ${table} SET embedding = array_fill(0.5, ARRAY[${DIMS}])::vector WHERE id % 10 = 0`);
  const before = await tableDigest(table);
  const child = await spawnCliWith(['ingest', '--db', DB_URL, '--table', table]);
  return { table, before, child, done: finish(child, undefined, 30_000) };
}

/** Writes to the child's stdin and resolves once the child has read all but a pipe's worth of it:
 *  a write completes only when the pipe has room, and past 64 KiB only a reader makes room. */
function read(child: ChildProcess, data: string): Promise<void> {
  return new Promise((resolve, reject) => child.stdin!.write(data, (err) => (err ? reject(err) : resolve())));
}

/** The signal's outcome: exit 1 on its own and promptly, a message and no crash; the table as it
 *  was, and the directory's lock released by the child itself. */
async function interrupted(run: Awaited<ReturnType<typeof ingestFromStdin>>, signal: NodeJS.Signals): Promise<void> {
  const sent = Date.now();
  run.child.kill(signal);
  const res = await run.done;
  assert.equal(res.timedOut, false, 'it ended on its own');
  assert.ok(Date.now() - sent < 10_000, `exited ${Date.now() - sent} ms after ${signal}`);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, new RegExp(`interrupted by ${signal}`));
  assert.match(res.stderr, /nothing was changed/);
  assert.doesNotMatch(res.stderr, /\n\s+at |Unhandled/, 'a message, not a crash');
  assert.equal(existsSync(join(DB_URL.slice('pglite:'.length), 'vecfill.lock')), false, 'the directory is free');
  assert.equal(await tableDigest(run.table), run.before, 'the table is as it was');
}

test('SIGTERM while the input streams in: exit 1, interrupted and nothing changed; the table as it was, the directory free', EMBEDDED, async (t) => {
  const run = await ingestFromStdin(t);
  // Lines for every row, over and over (the later line of an id wins), until the child is gone: more
  // than it reads before the signal.
  const exited = new Promise((resolve) => run.child.once('exit', resolve));
  const pumping = (async () => {
    for (let round = 1; run.child.exitCode === null && run.child.signalCode === null; round++) {
      const lines = [...embeddingLines(ROWS, DIMS, round)].join('');
      if (!run.child.stdin!.write(lines)) await Promise.race([new Promise((resolve) => run.child.stdin!.once('drain', resolve)), exited]);
    }
  })();
  await read(run.child, '\n'.repeat(1 << 20)); // the ingest is reading, well past its first lines
  await interrupted(run, 'SIGTERM');
  await pumping;
});

test('SIGINT while stdin is open but idle: exit 1 at once, nothing changed; the table as it was, the directory free', EMBEDDED, async (t) => {
  const run = await ingestFromStdin(t);
  await read(run.child, [...embeddingLines(ROWS, DIMS)].join(''));
  await read(run.child, '\n'.repeat(1 << 20)); // every line read: the ingest waits for more
  await interrupted(run, 'SIGINT');
});
