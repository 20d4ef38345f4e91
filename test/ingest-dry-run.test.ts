// --dry-run reads, validates and reports everything exactly as a real run would (rows it would update,
// rejects, unknown ids, duplicates), and leaves the table as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DB_URL, dropTable, snapshot, sql, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { base64Of, httpErrorLine, okLine } from './helpers/output.js';
import { tempDir } from './helpers/files.js';

test('a dry run reports what a real run does and changes nothing', async (t) => {
  const table = tableName('dry');
  await sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, embedding vector(3))`);
  await sql(`INSERT INTO ${table} VALUES (1, NULL), (2, '[9,9,9]'), (3, NULL), (4, '[8,8,8]')`);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const input = [
    okLine('1', [1, 0, 0]),
    okLine('2', base64Of([2, 0, 0])),
    '{"custom_id": "3", broken',
    okLine('77', [7, 7, 7]), // unknown id
    httpErrorLine('4', 429, 'Rate limit reached'),
    okLine('1', [1, 1, 1]), // a duplicate: the later line wins
    okLine('3', [3, 3, 3]),
  ].join('\n') + '\n';
  const before = await snapshot(table);
  const args = (rejects: string) => ['ingest', '--db', DB_URL, '--table', table, '--rejects', rejects];
  const [dry, human] = await Promise.all([
    run([...args(dir.path('dry.jsonl')), '--json', '--dry-run'], input),
    run([...args(dir.path('human.jsonl')), '--dry-run'], input),
  ]);
  assert.equal(dry.code, 3, dry.stderr);
  assert.equal(human.code, 3, human.stderr);
  assert.match(human.stdout, /dry run: would update 3 rows/);
  assert.deepEqual(await snapshot(table), before, 'the dry run changed the table');

  const real = await run([...args(dir.path('real.jsonl')), '--json'], input);
  assert.equal(real.code, 3, real.stderr);
  const d = JSON.parse(dry.stdout);
  const r = JSON.parse(real.stdout);
  assert.equal(d.dryRun, true);
  assert.equal(r.dryRun, false);
  assert.equal(d.rowsUpdated, 3);
  for (const key of ['rowsUpdated', 'lines', 'rejected', 'rejectedByReason', 'unknownIds', 'duplicates', 'tokens', 'bytes', 'dims']) {
    assert.deepEqual(d[key], r[key], `summary.${key}: dry run ${JSON.stringify(d[key])}, real run ${JSON.stringify(r[key])}`);
  }
  assert.deepEqual(r.rejectedByReason, { malformed_json: 1, http_error: 1, unknown_id: 1 });
  const dryRejects = await readFile(dir.path('dry.jsonl'), 'utf8');
  assert.equal(dryRejects, await readFile(dir.path('real.jsonl'), 'utf8'), 'the same rejects file');
  assert.equal(dryRejects.split('\n').filter(Boolean).length, 3);
  assert.deepEqual([...(await snapshot(table)).entries()], [['1', '[1,1,1]'], ['2', '[2,0,0]'], ['3', '[3,3,3]'], ['4', '[8,8,8]']],
    'the real run did change it');
});
