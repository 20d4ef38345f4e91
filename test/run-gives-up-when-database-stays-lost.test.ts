// A lost database connection is waited out within --retry-for (run-reconnects-after-lost-connection
// proves the reconnect); one that stays lost ends the run once that budget is spent: exit 1, the
// message says how long it tried and that what was done is kept. The run's backend is terminated and
// its database refuses every new connection (ALLOW_CONNECTIONS false) until the run has given up.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, vecfill } from './helpers/batch.js';
import { serverOnly } from './helpers/database-kind.js';
import { sql } from './helpers/db.js';
import { spawnCli } from './helpers/cli.js';
import { finish, type TimedResult } from './helpers/run.js';
import { numberedDocs, RUN_ARGS } from './helpers/run-fill.js';

test('run gives up after --retry-for when its database stays unreachable: exit 1, what was done kept', serverOnly("terminates the run's backend and locks its database"), async (t) => {
  const db = await freshDatabase(t);
  const dbName = new URL(db.url).pathname.slice(1);
  const server = await fakeOpenAI(t);
  server.state.autoAdvance = false; // the batches stay in flight: the run polls, and needs its database
  await numberedDocs(db, 6);
  const [command, ...rest] = RUN_ARGS;
  // A child process: a run that never gave up is killed at the deadline, failing the test.
  const done = finish(spawnCli([command, '--db', db.url, ...rest, '--max-requests', '3', '--retry-for', '2s'],
    { ...vecfill(db, server).env, VECFILL_BACKOFF_BASE_MS: '20' }), undefined, 30_000);

  const recorded = async () => (await db.sql(`SELECT to_regclass('vecfill.batches') IS NOT NULL AS ok`)).rows[0].ok
    && (await db.sql('SELECT count(*)::int AS n FROM vecfill.batches')).rows[0].n === 2;
  for (let i = 0; i < 400 && !(await recorded()); i++) await sleep(25);
  assert.ok(await recorded(), 'the run recorded its two batches');

  await sql(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
  let r: TimedResult | undefined;
  let tried = 0;
  try {
    const { rows } = await sql('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1', [dbName]);
    assert.ok(rows.length >= 1 && rows.every((x) => x.ok), 'the run\'s backend was terminated');
    const lost = Date.now();
    r = await done;
    tried = Date.now() - lost;
  } finally {
    await sql(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
  }
  assert.ok(r);
  assert.equal(r.timedOut, false, 'gave up within 30 s');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the database: connection lost \(.*\); reconnecting, then going on from the ledger; trying again in \d+ ms\n/);
  assert.match(r.stderr, new RegExp(`"${dbName}" is not currently accepting connections.*\\(gave up after \\d+ tries in \\d\\.\\d s; --retry-for is 2\\.0 s\\); ` +
    'this run submitted 2 batches and ingested 0 \\(0 rows updated\\), all of it kept \\(vecfill status\\): run it again to continue\\n$'));
  assert.ok(tried >= 1000 && tried < 10_000, `gave up ${tried} ms after the loss`);
  assert.equal((await db.sql('SELECT count(*)::int AS n FROM vecfill.batches WHERE ingested_at IS NULL')).rows[0].n, 2, 'the batches in flight are kept');
});
