// Line endings as files come from other systems: CRLF, a UTF-8 BOM, blank and whitespace-only lines, no
// final newline, and lines cut into tiny pieces by a slow pipe. All valid lines apply; the line numbers
// in the rejects file count every line, blank ones included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { spawnCli } from './helpers/cli.js';
import { finish, run } from './helpers/run.js';
import { okLine } from './helpers/output.js';
import { readRejects, tempDir } from './helpers/files.js';
import { waitForCopy } from './helpers/activity.js';
import { serverOnly } from './helpers/database-kind.js';

const BOM = '\ufeff';
const v = (id: number) => [id + 0.5, -id / 3, 1e-3 * id];

/** The input, its valid ids, and the 1-based line number of its one malformed line. */
function input() {
  const text =
    BOM + okLine('1', v(1)) + '\r\n' + // 1
    '\r\n' + // 2: blank (CRLF)
    '  \t \r\n' + // 3: whitespace only
    okLine('2', v(2)) + '\n' + // 4: LF in a CRLF file
    '\n' + // 5: blank
    '{"custom_id":"3", oops}\r\n' + // 6: malformed
    '\t\n' + // 7: a tab only
    '   ' + okLine('4', v(4)) + '  \r\n' + // 8: spaces around the JSON
    okLine('5', v(5)); // 9: no final newline
  return { text, ids: [1, 2, 4, 5], badLine: 6, badRaw: '{"custom_id":"3", oops}', lines: 5 };
}

async function assertApplied(table: string, ids: number[]) {
  for (const id of ids) {
    const stored = await storedVector(table, id);
    assert.deepEqual(stored && Array.from(stored), v(id).map(Math.fround), `row ${id}`);
  }
  assert.equal(await storedVector(table, 3), null, 'row 3 (malformed line) untouched');
}

test('CRLF, a BOM, blank and whitespace-only lines and no final newline all apply', async (t) => {
  const table = tableName('eol');
  await createTable(table, [1, 2, 3, 4, 5]);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const { text, ids, badLine, badRaw, lines } = input();
  const rejects = dir.path('rejects.jsonl');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects], text);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.rowsUpdated, ids.length);
  assert.equal(summary.lines, lines, 'lines counts the non-blank lines');
  assert.deepEqual(summary.rejectedByReason, { malformed_json: 1 });
  await assertApplied(table, ids);
  const records = await readRejects(rejects);
  assert.equal(records.length, 1);
  assert.equal(records[0].line, badLine, 'blank lines are counted in line numbers');
  assert.equal(records[0].raw, badRaw, 'raw has no CR');
});

test('lines cut into 7-byte pieces across a slow pipe apply, with the right line numbers', serverOnly("watches the ingest process's COPY in pg_stat_activity to feed its stdin piece by piece"), async (t) => {
  const table = tableName('eol');
  await createTable(table, [1, 2, 3, 4, 5]);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const { text, ids, badLine, lines } = input();
  const rejects = dir.path('rejects.jsonl');
  const child = spawnCli(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects]);
  const done = finish(child);
  // The CLI reads stdin only once its COPY is open: wait for it, so the pieces arrive one by one.
  await waitForCopy(child.pid!);
  const bytes = Buffer.from(text);
  for (let k = 0; k < bytes.length; k += 7) {
    child.stdin!.write(bytes.subarray(k, k + 7));
    await sleep(1);
  }
  child.stdin!.end();
  const res = await done;
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.rowsUpdated, ids.length);
  assert.equal(summary.lines, lines);
  assert.equal(summary.bytes, bytes.length);
  await assertApplied(table, ids);
  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [r.line, r.code]), [[badLine, 'malformed_json']]);
});
