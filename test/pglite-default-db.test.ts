// With no --db, no DATABASE_URL and no PGHOST, a command uses the embedded database in
// ./.vecfill/pglite and says so on stderr, once; with PGHOST set, the PG* variables name the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { collect } from './helpers/cli.js';
import { cliEntry } from './helpers/cli-entry.js';
import { pgliteDatabase } from './helpers/pglite.js';


/** vecfill in the working directory cwd, with env on top of a copy of this one without a database. */
function vecfillIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', OPENAI_API_KEY: 'sk-unused' };
  delete base.PGHOST;
  const child = spawn(process.execPath, [...cliEntry(), ...args], { cwd, env: { ...base, ...env } });
  return collect(child, '');
}

test('no database named: the embedded one in ./.vecfill/pglite, said once', async (t) => {
  const db = await pgliteDatabase(t);
  const cwd = join(db.dir, '..');
  await cp(db.dir, join(cwd, '.vecfill', 'pglite'), { recursive: true });
  const res = await vecfillIn(cwd, ['status', '--json']);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout).batches, []);
  const notes = res.stderr.split('\n').filter((l) => l.includes('embedded database'));
  assert.deepEqual(notes, [`vecfill: no --db, DATABASE_URL or PGHOST: using the embedded database in ${join(cwd, '.vecfill', 'pglite')}`]);
});

test('PGHOST set: the server it names, no embedded database', async (t) => {
  const db = await pgliteDatabase(t);
  const cwd = join(db.dir, '..');
  const res = await vecfillIn(cwd, ['status'], { PGHOST: '127.0.0.1', PGPORT: '1' });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /cannot connect/);
  assert.doesNotMatch(res.stderr, /embedded/);
});
