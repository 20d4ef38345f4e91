// --rejects naming one of the inputs (the same file by device and inode: the path itself, a symlink, a
// hard link, the file behind stdin) is refused with exit 2 before anything is opened for writing: the
// paid-for output file keeps every byte, the table is untouched, nothing is left beside the file.
// The library refuses the same slip with an UsageError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { link, open, readdir, readFile, symlink } from 'node:fs/promises';
import { fileSource, ingest } from '../src/index.js';
import { UsageError } from '../src/errors.js';
import { createTable, DB_URL, dropTable, snapshot, tableName } from './helpers/db.js';
import { runCli } from './helpers/cli.js';
import { runCliWith } from './helpers/cli-with.js';
import { tempDir, writeLines } from './helpers/files.js';
import { okLine } from './helpers/output.js';

async function setUp(t: import('node:test').TestContext) {
  const table = tableName('rjin');
  await createTable(table, [1, 2]);
  t.after(() => dropTable(table));
  const dir = await tempDir();
  t.after(dir.cleanup);
  const input = await writeLines(dir.path('out.jsonl'), [okLine('1', [1, 2, 3]), '{"custom_id": "2", oops', okLine('2', [4, 5, 6])]);
  const bytes = await readFile(input);
  const before = await snapshot(table);
  const untouched = async (files: string[]) => {
    assert.deepEqual(await readFile(input), bytes, 'the input keeps every byte');
    assert.deepEqual(await snapshot(table), before, 'the table is untouched');
    assert.deepEqual((await readdir(dir.dir)).sort(), files.sort(), 'nothing written beside it');
  };
  return { table, dir, input, untouched };
}

const REFUSED = /^vecfill ingest: the rejects file .* is (the input .*|the file behind stdin) \(the same file\): writing rejects there would destroy that input; choose another rejects file\nRun "vecfill ingest --help" for usage\.\n$/;

test('--rejects naming the input, a symlink to it, a hard link to it: exit 2, the input intact', async (t) => {
  const s = await setUp(t);
  await symlink(s.input, s.dir.path('via-symlink.jsonl'));
  await link(s.input, s.dir.path('hard-link.jsonl'));
  const other = await writeLines(s.dir.path('other.jsonl'), [okLine('1', [9, 9, 9])]);
  for (const [rejects, inputs] of [
    [s.input, [s.input]],
    [s.dir.path('via-symlink.jsonl'), [s.input]],
    [s.dir.path('hard-link.jsonl'), [s.input]],
    [s.input, [other, s.input]], // the second of several inputs
  ] as const) {
    // Paths only, no stdin: the CLI in this process on the embedded database, a child on a server.
    const r = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', rejects, ...inputs]);
    assert.equal(r.code, 2, `--rejects ${rejects}: ${r.stderr}`);
    assert.match(r.stderr, REFUSED);
    await s.untouched(['out.jsonl', 'via-symlink.jsonl', 'hard-link.jsonl', 'other.jsonl']);
  }
});

test('--rejects naming the file behind stdin (`< out.jsonl`, with or without "-"): exit 2, the input intact', async (t) => {
  const s = await setUp(t);
  for (const dash of [[], ['-']]) {
    const stdin = await open(s.input, 'r');
    try {
      // A child, for a real file behind its stdin; refused before it opens the database.
      const r = await runCliWith(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.input, ...dash], { stdin: stdin.fd, opensDb: false });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is the file behind stdin/);
    } finally {
      await stdin.close();
    }
    await s.untouched(['out.jsonl']);
  }
});

test('a rejects path beside the input, or not there yet, is fine', async (t) => {
  const s = await setUp(t);
  const stdin = await open(s.input, 'r');
  const r = await runCliWith(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.dir.path('rejects.jsonl')], { stdin: stdin.fd });
  await stdin.close();
  assert.equal(r.code, 3, r.stderr);
  const records = (await readFile(s.dir.path('rejects.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(records.map((x) => [x.line, x.code]), [[2, 'malformed_json']]);
});

test('the library refuses it too, with an UsageError, for a path or a fileSource', async (t) => {
  const s = await setUp(t);
  for (const input of [s.input, await fileSource(s.input)]) {
    await assert.rejects(
      ingest({ db: DB_URL, table: s.table, inputs: [input], rejects: s.input }),
      (e) => e instanceof UsageError && e.code === 'VECFILL_USAGE' && /^the rejects file .*out\.jsonl is the input .*out\.jsonl \(the same file\)/.test(e.message),
    );
  }
  await s.untouched(['out.jsonl']);
});
