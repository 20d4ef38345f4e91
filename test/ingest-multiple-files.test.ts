// Several inputs (files, and "-" for stdin) go into one transaction: a later input's line wins over an
// earlier one's for the same id, reject records carry the input's name and the line in that input, and an
// input that cannot be read fails the run before anything is applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createTable, DB_URL, dropTable, snapshot, sql, storedVector, tableName, until } from './helpers/db.js';
import { spawnCli } from './helpers/cli.js';
import { finish, run } from './helpers/run.js';
import { embeddingLines, httpErrorLine, okLine } from './helpers/output.js';
import { readRejects, tempDir, writeLines } from './helpers/files.js';
import { childBackend, childCopy } from './helpers/activity.js';
import { serverOnly } from './helpers/database-kind.js';

const vec = async (table: string, id: number) => Array.from((await storedVector(table, id)) ?? []);

test('two files: each reject record names its file and its line in that file', async (t) => {
  const table = tableName('multi');
  await createTable(table, [1, 2, 3, 4]);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const a = await writeLines(dir.path('a.jsonl'), [okLine('1', [1, 1, 1]), '{"custom_id":"2",', okLine('2', [2, 2, 2])]);
  const b = await writeLines(dir.path('b.jsonl'), [okLine('3', [3, 3, 3]), okLine('99', [9, 9, 9]), httpErrorLine('4', 400, 'bad input')]);
  const rejects = dir.path('rejects.jsonl');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects, a, b], '');
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.lines, 6);
  assert.equal(summary.rowsUpdated, 3);
  assert.deepEqual(await vec(table, 1), [1, 1, 1]);
  assert.deepEqual(await vec(table, 2), [2, 2, 2]);
  assert.deepEqual(await vec(table, 3), [3, 3, 3]);
  assert.equal(await storedVector(table, 4), null);
  const records = (await readRejects(rejects)).map((r) => [r.file, r.line, r.code]);
  records.sort((x, y) => String(x[0]).localeCompare(String(y[0])) || Number(x[1]) - Number(y[1]));
  assert.deepEqual(records, [[a, 2, 'malformed_json'], [b, 2, 'unknown_id'], [b, 3, 'http_error']]);
});

test('"a - b": the later input wins for the same id, stdin rejects are named "-"', async (t) => {
  const table = tableName('multi');
  await createTable(table, [1, 2, 3]);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const a = await writeLines(dir.path('a.jsonl'), [okLine('1', [1, 0, 0]), okLine('2', [2, 0, 0])]);
  const b = await writeLines(dir.path('b.jsonl'), [okLine('3', [3, 0, 1])]);
  const stdin = [okLine('2', [2, 0, 1]), okLine('3', [3, 0, 0]), 'not json'].join('\n') + '\n';
  const rejects = dir.path('rejects.jsonl');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects, a, '-', b], stdin);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.deepEqual(await vec(table, 1), [1, 0, 0], 'only in a');
  assert.deepEqual(await vec(table, 2), [2, 0, 1], 'stdin wins over a');
  assert.deepEqual(await vec(table, 3), [3, 0, 1], 'b wins over stdin');
  assert.equal(summary.duplicates, 2);
  assert.equal(summary.rowsUpdated, 3);
  assert.deepEqual((await readRejects(rejects)).map((r) => [r.file, r.line, r.code]), [['-', 3, 'malformed_json']]);
});

test('an input that does not exist fails the run with exit 1 before anything is applied', { concurrency: true }, async (t) => {
  const table = tableName('multi');
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, embedding vector(3))`);
  await sql(`INSERT INTO ${table} VALUES (1, '[5,5,5]'), (2, NULL)`);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const before = await snapshot(table);
  const a = await writeLines(dir.path('a.jsonl'), [okLine('1', [1, 1, 1]), okLine('2', [2, 2, 2])]);
  const missing = dir.path('missing.jsonl');
  const fails = async (inputs: string[]) => {
    const res = await run(['ingest', '--db', DB_URL, '--table', table, ...inputs], okLine('2', [3, 3, 3]) + '\n');
    assert.equal(res.code, 1, res.stderr);
    assert.ok(res.stderr.includes(missing), `names the file: ${res.stderr}`);
    assert.match(res.stderr, /nothing was changed/);
    assert.deepEqual(await snapshot(table), before);
  };
  await Promise.all([
    t.test('the second of two files', () => fails([a, missing])),
    t.test('after stdin', () => fails(['-', missing])),
    t.test('stdin named twice is a usage error', async () => {
      const res = await run(['ingest', '--db', DB_URL, '--table', table, '-', a, '-'], okLine('1', [1, 1, 1]));
      assert.equal(res.code, 2, res.stderr);
      assert.deepEqual(await snapshot(table), before);
    }),
  ]);
});

test('the inputs share one transaction: killed once the first is wholly through and the second is being read, none of the first one\'s rows is applied', serverOnly('kills the ingest process while it holds the database'), async (t) => {
  const table = tableName('multi');
  // 100 rows of 1536 dimensions: ~600 KB of COPY rows, so the full 256 KiB chunks of them (most of
  // the rows) reach the database's COPY while the rest wait in the last, partial one.
  const rows = 100;
  await createTable(table, Array.from({ length: rows }, (_, k) => k + 1), 'vector(1536)');
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const a = dir.path('a.jsonl');
  await writeFile(a, [...embeddingLines(rows)].join(''));
  const child = spawnCli(['ingest', '--db', DB_URL, '--table', table, a, '-']);
  const done = finish(child); // stdin stays open: the ingest cannot end
  // The inputs are read in turn, so the child reads stdin only once the first input is wholly
  // through: a write of more blank lines than a pipe holds completes only when the child reads them.
  // An ingest that committed each input would have committed the first by now.
  await new Promise<void>((resolve, reject) => child.stdin!.write('\n'.repeat(1 << 20), (err) => (err ? reject(err) : resolve())));
  // And the database has done all it was sent: the child's backend waits for its client.
  await until(async () => (await childBackend(child.pid!))?.waitEventType === 'Client', "the ingest's backend waiting for more input");
  const copied = (await childCopy(child.pid!))?.tuples ?? 0;
  child.kill('SIGKILL');
  const res = await done;
  assert.equal(res.signal, 'SIGKILL');
  const { rows: [r] } = await sql(`SELECT count(*)::int AS n FROM ${table} WHERE embedding IS NOT NULL`);
  assert.equal(r.n, 0, 'no row of the first input was applied');
  assert.ok(copied >= rows / 2, `the first input's rows had reached the ingest's transaction (${copied} in its COPY)`);
});
