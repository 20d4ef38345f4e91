// A live table: --lock-timeout gives up behind another session's row lock within the time given (exit 1,
// a message naming the table and the option, the table unchanged); --commit-every commits as it goes,
// so a kill -9 mid-ingest leaves the committed rows, and the same input again finishes the rest; a
// failure says how many rows were committed. Both need a second session beside the ingest's.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { createTable, DB_URL, dropTable, sql, storedVector, tableDigest, tableName, until } from './helpers/db.js';
import { serverOnly } from './helpers/database-kind.js';
import { tempDir } from './helpers/files.js';
import { spawnCli } from './helpers/cli.js';
import { finish, run } from './helpers/run.js';
import { embeddingLines, rowVector } from './helpers/output.js';

const DIMS = 64;

async function table(t: TestContext, rows: number) {
  const name = tableName('live');
  await createTable(name, Array.from({ length: rows }, (_, k) => k + 1), `vector(${DIMS})`);
  const dir = await tempDir();
  t.after(async () => { await dropTable(name); await dir.cleanup(); });
  const file = dir.path('out.jsonl');
  await writeFile(file, [...embeddingLines(rows, DIMS)].join(''));
  return { name, file };
}

const filled = async (name: string) => Number((await sql(`SELECT count(embedding) AS n FROM ${name}`)).rows[0].n);

test('--lock-timeout: another session holds a row lock; the ingest gives up quickly, exit 1, table unchanged', serverOnly('a second session beside the ingest'), async (t) => {
  const { name, file } = await table(t, 200);
  const app = new pg.Client({ connectionString: DB_URL });
  await app.connect();
  t.after(() => app.end());
  await app.query('BEGIN');
  await app.query(`SELECT * FROM ${name} WHERE id = 150 FOR UPDATE`);
  const before = await tableDigest(name);
  const started = Date.now();
  const res = await run(['ingest', '--db', DB_URL, '--table', name, '--lock-timeout', '300ms', file], '', {}, 20_000);
  const seconds = (Date.now() - started) / 1000;
  await app.query('ROLLBACK');
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, new RegExp(`waited 300 ms \\(--lock-timeout\\) for a lock on public\\.${name} that another session holds.*nothing was changed`));
  assert.ok(seconds < 10, `gave up after ${seconds} s`); // a CLI start (~2 s) and 300 ms, not the lock's lifetime
  assert.equal(await tableDigest(name), before);
});

test('--commit-every: kill -9 mid-ingest keeps the committed rows; the same input again finishes the rest', serverOnly('a process killed while it holds the database'), async (t) => {
  const { name, file } = await table(t, 3000);
  const lines = [...embeddingLines(3000, DIMS)];
  const child = spawnCli(['ingest', '--db', DB_URL, '--table', name, '--commit-every', '500']);
  const done = finish(child);
  child.stdin!.write(lines.slice(0, 2000).join('')); // stdin stays open: the ingest cannot end by itself
  await until(async () => (await filled(name)) >= 2000, 'four commits of 500 rows');
  child.kill('SIGKILL');
  assert.equal((await done).signal, 'SIGKILL');
  assert.equal(await filled(name), 2000);
  assert.deepEqual(await storedVector(name, 2000), rowVector(2000, DIMS));
  assert.equal(await storedVector(name, 2001), null);

  const again = await run(['ingest', '--db', DB_URL, '--table', name, '--commit-every', '500', '--json', file]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).rowsUpdated, 3000);
  assert.equal(await filled(name), 3000);
  for (const id of [1, 2000, 2001, 3000]) assert.deepEqual(await storedVector(name, id), rowVector(id, DIMS));
});

test('--commit-every: a failure exits 1 and says how many rows were committed before it', async (t) => {
  const { name, file } = await table(t, 3000);
  await sql(`CREATE FUNCTION ${name}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.id = 2500 THEN RAISE EXCEPTION 'row 2500 is frozen'; END IF; RETURN NEW; END $$`);
  await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${name} FOR EACH ROW EXECUTE FUNCTION ${name}_refuse()`);
  t.after(() => sql(`DROP FUNCTION IF EXISTS ${name}_refuse() CASCADE`));
  const res = await run(['ingest', '--db', DB_URL, '--table', name, '--commit-every', '1000', file]);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, new RegExp(`row 2500 is frozen; 2000 rows of public\\.${name} were committed before it \\(--commit-every\\): run the same input again`));
  assert.doesNotMatch(res.stderr, /nothing was changed/);
  assert.equal(await filled(name), 2000);
});

test('--commit-every, --lock-timeout: what they take, and what they do not go with', async () => {
  const usage = async (args: string[], message: RegExp) => {
    const res = await run(['ingest', '--db', DB_URL, '--table', 'nowhere', ...args]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, message);
  };
  await usage(['--commit-every', '0'], /--commit-every takes a whole number ≥ 1/);
  await usage(['--commit-every', '100', '--dry-run'], /--commit-every commits; a dry run commits nothing/);
  await usage(['--commit-every', '100', '--index', 'rebuild'], /--commit-every and --index rebuild do not mix/);
  await usage(['--commit-every', '100', '--all-completed'], /--commit-every reads files; a batch is ingested in one transaction/);
  await usage(['--lock-timeout', 'soon'], /--lock-timeout takes a duration/);
});
