// The PostgreSQL backend of an ingest terminated (pg_terminate_backend) in the middle of a COPY, or in
// the middle of an UPDATE, once earlier segments were applied: vecfill ingest FILE exits 1 with the
// server's reason and no stack trace, the table is as it was, and running the same ingest again sets
// every row. The file (~20 MB of 1536-dim lines) spans several segments: its size is known, so they
// shrink towards its end.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { childBackend, terminateWhile, waitForBackendGone } from './helpers/activity.js';
import { spawnCli } from './helpers/cli.js';
import { countUpdates, createTable, DB_URL, dropTable, sql, storedVector, tableDigest, tableName, until } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { embeddingLines, rowVector } from './helpers/output.js';
import { finish, run } from './helpers/run.js';
import { serverOnly } from './helpers/database-kind.js';

const ROWS = 6_000; // ~37 MB of COPY data: a full first segment, then a long second COPY to be caught in

let input: string | undefined;

/** The table, its UPDATE counter and the file, then the ingest: started stopped (SIGSTOP) if asked,
 *  and just after `beforeStart`. */
async function setup(t: TestContext, opts: { stopped?: boolean; beforeStart?: (table: string) => Promise<void> } = {}) {
  const table = tableName('term');
  await createTable(table, Array.from({ length: ROWS }, (_, k) => k + 1), 'vector(1536)');
  t.after(() => dropTable(table));
  await sql(`UPDATE ${table} SET embedding = array_fill(0.5, ARRAY[1536])::vector WHERE id % 50 = 0`);
  const updates = await countUpdates(table);
  t.after(updates.drop);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const file = dir.path('output.jsonl');
  input ??= [...embeddingLines(ROWS)].join('');
  await writeFile(file, input);
  const before = await tableDigest(table);
  await opts.beforeStart?.(table);
  const child = spawnCli(['ingest', '--db', DB_URL, '--table', table, file]);
  if (opts.stopped) child.kill('SIGSTOP');
  const done = finish(child);
  t.after(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'))); // a failed test leaves none behind
  return { table, updates, file, child, done, before };
}

/** Exit 1 with the server's reason, the table as it was; then the same ingest sets every row. */
async function failsThenRerunCompletes(ingest: Awaited<ReturnType<typeof setup>>, backend: number): Promise<void> {
  const res = await ingest.done;
  assert.equal(res.code, 1, res.stderr);
  // The server's reason, unless the socket's own error came first (the process was stopped when the
  // backend went): then the message says the connection was lost.
  assert.match(res.stderr, /^vecfill ingest: .*(terminating connection due to administrator command|lost the connection to the database \(.+\)).*; nothing was changed\n$/);
  await waitForBackendGone(backend);
  assert.equal(await tableDigest(ingest.table), ingest.before, 'the table is as it was');

  const again = await run(['ingest', '--db', DB_URL, '--table', ingest.table, ingest.file]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`^updated ${ROWS.toLocaleString('en-US')} rows `));
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${ingest.table} WHERE embedding IS NULL`)).rows[0].n, 0);
  for (const id of [1, 50, ROWS]) assert.deepEqual(await storedVector(ingest.table, id), rowVector(id), `row ${id}`);
}

test('backend terminated mid-COPY, a segment already applied: exit 1, table unchanged, a rerun completes', serverOnly("terminates the ingest's backend from another session"), async (t) => {
  const monitor = new pg.Client({ connectionString: DB_URL }); // one connection: a look takes ~1 ms
  await monitor.connect();
  t.after(() => monitor.end());
  const ingest = await setup(t, { stopped: true });
  let backend: number | undefined;
  // In a COPY after the first UPDATE began (a COPY only starts once the UPDATE before it has ended).
  const inLaterCopy = async () => {
    backend ??= (await childBackend(ingest.child.pid!))?.pid;
    return backend !== undefined && (await monitor.query(
      `SELECT (SELECT is_called FROM ${ingest.table}_updates) AND EXISTS (SELECT 1 FROM pg_stat_activity
         WHERE pid = $1 AND state = 'active' AND starts_with(query, 'COPY pg_temp.vecfill_in')) AS ok`, [backend])).rows[0].ok as boolean;
  };
  // The ingest runs in short slices (SIGCONT … SIGSTOP) and is looked at in between, so that a busy
  // machine cannot let it run to its end unseen. terminateWhile checks and terminates in one statement.
  for (;;) {
    if ((await inLaterCopy()) && (await terminateWhile(backend!, 'COPY pg_temp.vecfill_in'))) break;
    assert.equal(ingest.child.exitCode, null, 'the ingest ended before it was caught in a COPY after an UPDATE');
    ingest.child.kill('SIGCONT');
    await sleep(backend === undefined ? 100 : 2);
    ingest.child.kill('SIGSTOP');
  }
  ingest.child.kill('SIGCONT');
  await failsThenRerunCompletes(ingest, backend!);
});

test('backend terminated mid-UPDATE, earlier segments applied: exit 1, table unchanged, a rerun completes', serverOnly("terminates the ingest's backend from another session"), async (t) => {
  const locker = new pg.Client({ connectionString: DB_URL });
  await locker.connect();
  t.after(() => locker.end());
  // The last row locked before the ingest starts: the UPDATE of the last segment waits on it.
  const ingest = await setup(t, {
    beforeStart: async (table) => {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [ROWS]);
    },
  });
  await until(async () => (await childBackend(ingest.child.pid!))?.waitEventType === 'Lock', 'the last UPDATE waiting on the locked row');
  const backend = (await childBackend(ingest.child.pid!))!;
  assert.match(backend.query, /^UPDATE /);
  assert.ok((await ingest.updates.count()) >= 2, `earlier segments were applied (${await ingest.updates.count()} UPDATEs)`);
  assert.equal(await terminateWhile(backend.pid, 'UPDATE'), true);
  await locker.query('ROLLBACK');
  await failsThenRerunCompletes(ingest, backend.pid);
});
