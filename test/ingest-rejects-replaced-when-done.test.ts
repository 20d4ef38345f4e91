// The rejects file is written beside its path and renamed over it when the ingest has ended well (dry
// runs too): a failed ingest leaves an older rejects file as it was, and so does a kill -9 in the middle
// (which leaves only its temporary file behind). Through a symlink, the file it leads to is replaced
// and the link kept; the replaced file's mode is kept. A rename that fails after COMMIT says the rows
// are applied and where the records are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingest, streamSource } from '../src/index.js';
import { createTable, DB_URL, dropTable, snapshot, sql, storedVector, tableName } from './helpers/db.js';
import { collect, runCli, spawnCli } from './helpers/cli.js';
import { readRejects, tempDir } from './helpers/files.js';
import { okLine } from './helpers/output.js';
import { serverOnly } from './helpers/database-kind.js';

const OLDER = '{"line":1,"code":"older","reason":"from an earlier ingest"}\n';
const INPUT = [okLine('1', [1, 2, 3]), '{"custom_id": "2", oops', okLine('2', [4, 5, 6])].join('\n') + '\n';
const TEMP = /^\.rejects\.jsonl\.\d+\.[0-9a-f]{8}\.tmp$/;

async function setUp(t: import('node:test').TestContext, ids = [1, 2]) {
  const table = tableName('rjrep');
  await createTable(table, ids);
  t.after(() => dropTable(table));
  const dir = await tempDir();
  t.after(dir.cleanup);
  const rejects = dir.path('rejects.jsonl');
  await writeFile(rejects, OLDER);
  return { table, dir, rejects };
}

test('an ingest that ends well (or a dry run) puts its rejects in place of the older file, nothing left beside', async (t) => {
  const s = await setUp(t);
  await chmod(s.rejects, 0o640);
  for (const dry of [['--dry-run'], []]) {
    await writeFile(s.rejects, OLDER);
    const r = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.rejects, ...dry], INPUT);
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual((await readRejects(s.rejects)).map((x) => [x.line, x.code]), [[2, 'malformed_json']]);
    assert.deepEqual(await readdir(s.dir.dir), ['rejects.jsonl']);
    assert.equal((await stat(s.rejects)).mode & 0o777, 0o640, 'the mode of the file it replaced');
  }
});

test('an ingest that fails leaves the older rejects file as it was', async (t) => {
  const s = await setUp(t);
  await sql(`CREATE FUNCTION ${s.table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
  await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${s.table} FOR EACH ROW EXECUTE FUNCTION ${s.table}_refuse()`);
  t.after(() => sql(`DROP FUNCTION IF EXISTS ${s.table}_refuse() CASCADE`));
  const r = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.rejects], INPUT);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /refused; nothing was changed/);
  assert.equal(await readFile(s.rejects, 'utf8'), OLDER);
  assert.deepEqual(await readdir(s.dir.dir), ['rejects.jsonl']);
});

test('kill -9 mid-ingest: the older rejects file is as it was; only the temporary file is left', serverOnly("kills the ingest process while it holds the database"), async (t) => {
  const s = await setUp(t, Array.from({ length: 100 }, (_, k) => k + 1));
  const before = await snapshot(s.table);
  const child = spawnCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.rejects]);
  const done = collect(child);
  // Good lines and bad ones, and the pipe kept open: the ingest is in the middle when the kill lands.
  const chunk = Array.from({ length: 100 }, (_, k) => `${okLine(String(k + 1), [k, 0, 1])}\n{"custom_id": "${k}", oops\n`).join('');
  child.stdin!.write(chunk);
  let temp: string | undefined;
  for (let tries = 0; tries < 200 && !temp; tries++) {
    await sleep(50);
    for (const name of await readdir(s.dir.dir)) {
      if (TEMP.test(name) && (await stat(s.dir.path(name))).size > 0) temp = name;
    }
  }
  assert.ok(temp, 'rejects were being written to a temporary file');
  child.kill('SIGKILL');
  const r = await done;
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(await readFile(s.rejects, 'utf8'), OLDER);
  assert.deepEqual((await readdir(s.dir.dir)).sort(), [temp, 'rejects.jsonl'].sort());
  assert.deepEqual(await snapshot(s.table), before);
});

test('through a symlink: the file it leads to is replaced, the link kept', async (t) => {
  const s = await setUp(t);
  await symlink(s.rejects, s.dir.path('link.jsonl'));
  const r = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.dir.path('link.jsonl')], INPUT);
  assert.equal(r.code, 3, r.stderr);
  assert.ok((await lstat(s.dir.path('link.jsonl'))).isSymbolicLink());
  assert.equal(await readlink(s.dir.path('link.jsonl')), s.rejects);
  assert.deepEqual((await readRejects(s.rejects)).map((x) => x.code), ['malformed_json']);
  assert.deepEqual((await readdir(s.dir.dir)).sort(), ['link.jsonl', 'rejects.jsonl']);
});

test('a rename that fails after COMMIT: the error says the rows are applied and where the records are', async (t) => {
  const s = await setUp(t);
  const path = s.dir.path('new-rejects.jsonl');
  async function* input() {
    yield Buffer.from(INPUT);
    await mkdir(path); // something takes the path while the ingest runs: nothing can be renamed over it
  }
  await assert.rejects(
    ingest({ db: DB_URL, table: s.table, inputs: [streamSource('mem', input())], rejects: path }),
    (e: Error & { partial?: boolean }) => e.partial === true &&
      /^the rows are applied, but cannot write the rejects file .*new-rejects\.jsonl: it is a directory; its records are in .*\.new-rejects\.jsonl\.\d+\.[0-9a-f]{8}\.tmp$/.test(e.message),
  );
  assert.deepEqual(Array.from((await storedVector(s.table, 2))!), [4, 5, 6]);
  const temp = (await readdir(s.dir.dir)).find((n) => n.startsWith('.new-rejects.jsonl.'))!;
  assert.deepEqual((await readRejects(s.dir.path(temp))).map((x) => x.code), ['malformed_json']);
});
