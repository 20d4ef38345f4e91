// --commit-every on the embedded database as on a server: a failure keeps the groups committed before
// it (exit 1, the message says how many rows), and the same input applied again, once the cause is gone,
// sets the same vectors and finishes the rest.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createTable, DB_URL, dropTable, sql, storedVector, tableName } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { embeddingLines, rowVector } from './helpers/output.js';
import { run } from './helpers/run.js';

const ROWS = 30;
const DIMS = 8;

test('--commit-every 10: row 25 refused, 20 rows kept; the same input again applies all 30', async (t) => {
  const name = tableName('rerun');
  await createTable(name, Array.from({ length: ROWS }, (_, k) => k + 1), `vector(${DIMS})`);
  await sql(`CREATE FUNCTION ${name}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.id = 25 THEN RAISE EXCEPTION 'row 25 is frozen'; END IF; RETURN NEW; END $$`);
  await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${name} FOR EACH ROW EXECUTE FUNCTION ${name}_refuse()`);
  const dir = await tempDir();
  t.after(async () => {
    await dropTable(name);
    await sql(`DROP FUNCTION IF EXISTS ${name}_refuse()`);
    await dir.cleanup();
  });
  const file = dir.path('out.jsonl');
  await writeFile(file, [...embeddingLines(ROWS, DIMS)].join(''));
  const ingest = () => run(['ingest', '--db', DB_URL, '--table', name, '--commit-every', '10', '--json', file]);
  const filled = async () => (await sql(`SELECT array_agg(id::int ORDER BY id) AS ids FROM ${name} WHERE embedding IS NOT NULL`)).rows[0].ids ?? [];

  const failed = await ingest();
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, new RegExp(`row 25 is frozen; 20 rows of public\\.${name} were committed before it \\(--commit-every\\): run the same input again`));
  assert.deepEqual(await filled(), Array.from({ length: 20 }, (_, k) => k + 1));

  await sql(`DROP TRIGGER refuse ON ${name}`);
  const again = await ingest();
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).rowsUpdated, ROWS);
  assert.deepEqual(await filled(), Array.from({ length: ROWS }, (_, k) => k + 1));
  for (let id = 1; id <= ROWS; id++) assert.deepEqual(await storedVector(name, id), rowVector(id, DIMS), `row ${id}`);
});
