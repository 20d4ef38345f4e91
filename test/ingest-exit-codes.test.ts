// Exit codes: 0 every line applied; 3 applied with rejected lines; 1 failed and nothing changed (with a
// message that names the problem); 2 usage error. And a password in the URL never reaches the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable, DB_URL, dropTable, snapshot, sql, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { okLine } from './helpers/output.js';

const input = [okLine('1', [1, 2, 3]), okLine('2', [4, 5, 6])].join('\n') + '\n';

test('exit 0 when every line is applied (the database from $DATABASE_URL)', async (t) => {
  const table = tableName('exit');
  await createTable(table, [1, 2]);
  t.after(() => dropTable(table));
  const res = await run(['ingest', '--table', table], input, { DATABASE_URL: DB_URL });
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /updated 2 rows/);
  assert.equal(res.stderr, '', 'no progress when stderr is not a terminal');
  const snap = await snapshot(table);
  assert.deepEqual([...snap.values()], ['[1,2,3]', '[4,5,6]']);
});

test('exit 0 for an input without a line', async (t) => {
  const table = tableName('exit');
  await createTable(table, [1]);
  t.after(() => dropTable(table));
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json'], '\n  \r\n');
  assert.equal(res.code, 0, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.lines, 0);
  assert.equal(summary.rowsUpdated, 0);
});

test('exit 3 when a line is rejected; the valid ones are applied', async (t) => {
  const table = tableName('exit');
  await createTable(table, [1, 2]);
  t.after(() => dropTable(table));
  const res = await run(['ingest', '--db', DB_URL, '--table', table], input + '{"custom_id": 3\n');
  assert.equal(res.code, 3, res.stderr);
  assert.match(res.stdout, /updated 2 rows/);
  assert.match(res.stdout, /rejected 1 lines? \(malformed_json 1\)/);
  assert.match(res.stdout, /--rejects/, 'says how to see the rejected lines');
  assert.deepEqual([...(await snapshot(table)).values()], ['[1,2,3]', '[4,5,6]']);
});

test('exit 1, nothing was changed', { concurrency: true }, async (t) => {
  const table = tableName('exit');
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, body text, embedding vector(3))`);
  await sql(`INSERT INTO ${table} VALUES (1, 'one', '[7,7,7]'), (2, 'two', NULL)`);
  t.after(() => dropTable(table));
  const before = await snapshot(table);
  const failed = async (args: string[], ...want: (string | RegExp)[]) => {
    const res = await run(['ingest', ...args], input);
    assert.equal(res.code, 1, `exit code; stderr: ${res.stderr}`);
    assert.match(res.stderr, /nothing was changed/);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    for (const w of want) {
      if (typeof w === 'string') assert.ok(res.stderr.includes(w), `stderr ${JSON.stringify(res.stderr)} lacks ${JSON.stringify(w)}`);
      else assert.match(res.stderr, w);
    }
    assert.deepEqual(await snapshot(table), before, 'the table is unchanged');
  };
  await Promise.all([
    t.test('no such table: the message names it', () =>
      failed(['--db', DB_URL, '--table', `${table}_nope`], `${table}_nope`)),
    t.test('no such column: the message names it and lists the columns', () =>
      failed(['--db', DB_URL, '--table', table, '--column', 'embeding'], 'embeding', /id, body, embedding/)),
    t.test('no such id column: the message names it', () =>
      failed(['--db', DB_URL, '--table', table, '--id-column', 'doc_id'], 'doc_id', /id, body, embedding/)),
    t.test('a column that is not a vector: the message names it and its type', () =>
      failed(['--db', DB_URL, '--table', table, '--column', 'body'], 'body', 'text', /vector/)),
    t.test('a --rejects file that cannot be created: the message names it', () =>
      failed(['--db', DB_URL, '--table', table, '--rejects', join(tmpdir(), `no-such-dir-${table}`, 'rejects.jsonl')], `no-such-dir-${table}`)),
    t.test('cannot connect (a closed port)', () =>
      failed(['--db', 'postgres://postgres@127.0.0.1:1/test', '--table', table], /cannot connect/)),
  ]);
});

test('exit 2 for usage errors, with a pointer to --help', { concurrency: true }, async (t) => {
  const usage = async (args: string[], want: RegExp, env: NodeJS.ProcessEnv = {}) => {
    const res = await run(['ingest', ...args], input, env);
    assert.equal(res.code, 2, `exit code; stderr: ${res.stderr}`);
    assert.match(res.stderr, want);
    assert.match(res.stderr, /--help/);
    assert.equal(res.stdout, '');
  };
  await Promise.all([
    t.test('no --table', () => usage(['--db', DB_URL], /--table/)),
    t.test('an unknown flag', () => usage(['--db', DB_URL, '--table', 'docs', '--frobnicate'], /frobnicate/)),
    t.test('a name of three parts', () => usage(['--db', DB_URL, '--table', 'a.b.c'], /a\.b\.c/)),
    t.test('a name with a space', () => usage(['--db', DB_URL, '--table', 'bad name'], /bad name/)),
  ]);
});

test('a password in the URL never appears in the output', { concurrency: true }, async (t) => {
  const secret = 's3cretpw';
  const check = (res: { code: number | null; stdout: string; stderr: string }) => {
    assert.equal(res.code, 1, res.stderr);
    assert.ok(!res.stderr.includes(secret), `stderr shows the password: ${res.stderr}`);
    assert.ok(!res.stdout.includes(secret), `stdout shows the password: ${res.stdout}`);
  };
  await Promise.all([
    t.test('--db to a closed port', async () => {
      const res = await run(['ingest', '--db', `postgres://postgres:${secret}@127.0.0.1:1/test`, '--table', 'docs'], input);
      check(res);
      assert.match(res.stderr, /cannot connect/);
    }),
    t.test('$DATABASE_URL to a database that does not exist, with VECFILL_DEBUG', async () => {
      const res = await run(['ingest', '--table', 'docs'], input,
        { DATABASE_URL: `postgres://postgres:${secret}@127.0.0.1:5432/no_such_db_vecfill`, VECFILL_DEBUG: '1' });
      check(res);
      assert.match(res.stderr, /no_such_db_vecfill/);
    }),
  ]);
});
