// Only one process at a time can open a PGlite directory: a second vecfill fails at once with a
// ConnectError naming the directory, the holder's pid and the fix, not a hang; once the holder closes,
// it works. A lock left by a process that died is stale and taken over. Within one process, opening
// the directory again shares the instance, which lives until the last handle closes; the instance is
// one session, so a handle inside a transaction has it to itself until COMMIT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openDb } from '../src/db/open.js';
import { spawnCli } from './helpers/cli.js';
import { finish, run } from './helpers/run.js';
import { pgliteDatabase } from './helpers/pglite.js';

test('a second process is refused while the first holds the directory', async (t) => {
  const db = await pgliteDatabase(t);
  await db.sql('CREATE TABLE docs (id bigint PRIMARY KEY, embedding vector(3))');
  const a = await openDb(db.url);
  const b = await openDb(db.url);
  try {
    assert.equal((a as { pglite?: unknown }).pglite, (b as { pglite?: unknown }).pglite, 'one instance per directory in a process');
    // A child process: run() would call the CLI in this process on the embedded database.
    const refused = await finish(spawnCli(['ingest', '--db', db.url, '--table', 'docs']), '', 30_000);
    assert.equal(refused.timedOut, false);
    assert.equal(refused.code, 1, refused.stderr);
    assert.ok(refused.stderr.includes(db.dir), refused.stderr);
    assert.match(refused.stderr, new RegExp(`in use by process ${process.pid}\\b.*only one process at a time`));
    await a.query('BEGIN');
    await a.query(`INSERT INTO docs VALUES (1, '[1,2,3]')`);
    let seen: string | undefined;
    const reading = b.query('SELECT count(*) AS n FROM docs').then((r) => (seen = r.rows[0].n));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen, undefined, 'the other handle waits for the transaction');
    await a.query('COMMIT');
    await reading;
    assert.equal(seen, '1', 'and then sees it committed');
    await a.close();
    assert.equal((await b.query('SELECT count(*) AS n FROM docs')).rows[0].n, '1', 'the other handle still works');
  } finally {
    await a.close();
    await b.close();
  }
  await db.release(); // the test's own handle, which the CREATE TABLE opened
  await assert.rejects(stat(join(db.dir, 'vecfill.lock')), /ENOENT/, 'the last close frees the directory');
  const ok = await run(['ingest', '--db', db.url, '--table', 'docs'], '', {}, 60_000);
  assert.equal(ok.code, 0, ok.stderr);
});

test('a lock left by a dead process is taken over', async (t) => {
  const db = await pgliteDatabase(t);
  const lock = join(db.dir, 'vecfill.lock');
  const dead = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
  await writeFile(lock, `${dead}\n`);
  const res = await run(['status', '--db', db.url, '--json'], '', { OPENAI_API_KEY: 'sk-unused' }, 60_000);
  assert.equal(res.code, 0, res.stderr);
  await assert.rejects(readFile(lock), /ENOENT/, 'released on exit');
});
