// Ctrl-C in the middle of vecfill demo (batches in flight at its emulator): it stops the run, exits 1
// on its own, says how to start over, and no connection of it is left.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDatabase } from './helpers/batch.js';
import { spawnCli } from './helpers/cli.js';
import { serverOnly } from './helpers/database-kind.js';
import { finish } from './helpers/run.js';

test('vecfill demo interrupted by SIGINT exits 1 and closes its database connection', serverOnly('a signal to a CLI process'), async (t) => {
  const db = await freshDatabase(t);
  const child = spawnCli(['demo', '--db', db.url]);
  child.stderr!.on('data', function onData(d: Buffer) {
    if (/: created, /.test(String(d))) {
      child.stderr!.off('data', onData);
      child.kill('SIGINT');
    }
  });
  const r = await finish(child, undefined, 30_000);
  assert.equal(r.timedOut, false, 'it ended on its own');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /vecfill demo: interrupted by SIGINT; run vecfill demo again to start over/);
  const { rows } = await db.sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'vecfill demo'");
  assert.equal(rows[0].n, 0, 'no connection of the demo left');
});
