// One writer per target: while another session holds the target's lock (another submit or run choosing
// rows and creating batches), submit says who holds it (its pid and application_name) and waits,
// creating nothing; once the lock is free it goes on, and finds the rows the other has sent in flight.
import assert from 'node:assert/strict';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { targetLockKey } from '../src/batch/target-lock.js';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { spawnCli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { finish } from './helpers/run.js';
import { serverOnly } from './helpers/database-kind.js';

test('submit waits while another session holds the target, naming it, then submits', serverOnly('another session holds the target lock while a submit process waits'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two']]);
  const v = vecfill(db, server);
  const files = json(await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir, '--json')).files.map((f: { path: string }) => f.path);

  const holder = new pg.Client({ connectionString: db.url, application_name: 'nightly backfill' });
  await holder.connect();
  holder.on('error', () => {}); // the database is dropped (WITH FORCE) after the test
  t.after(() => holder.end());
  const key = targetLockKey({ tableSchema: 'public', tableName: 'docs', column: 'embedding' });
  await holder.query('SELECT pg_advisory_lock($1::int4, hashtext($2))', [key.space, key.name]);
  const { rows: [{ pid }] } = await holder.query('SELECT pg_backend_pid() AS pid');

  const child = spawnCli(['submit', '--db', db.url, '--json', ...files], v.env);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = finish(child);
  for (let i = 0; i < 200 && !/another vecfill/.test(stderr); i++) await sleep(50);
  assert.match(stderr, new RegExp(`another vecfill is choosing rows or creating batches for public\\.docs\\.embedding: PostgreSQL backend pid ${pid} \\(nightly backfill\\); waiting`));
  await sleep(300);
  assert.equal(server.state.batches.size, 0, 'nothing created while the lock is held');
  assert.equal(child.exitCode, null, 'still waiting');

  await holder.query('SELECT pg_advisory_unlock($1::int4, hashtext($2))', [key.space, key.name]);
  const r = await done;
  assert.equal(r.code, 0, stderr);
  assert.equal(server.state.batches.size, 1);

  // The rows are in flight now: a second submit of the same file is refused, as it would have been had
  // it waited behind that first one.
  const again = await v('submit', ...files);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already in a batch in flight/);
});
