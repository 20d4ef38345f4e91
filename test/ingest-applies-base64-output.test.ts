// A base64 output file (encoding_format "base64": little-endian float32 bytes) sets each row to exactly
// those float32 values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { runCli } from './helpers/cli.js';
import { base64Of, okLine, prng } from './helpers/output.js';

test('base64 output lines are applied bit-exact from a file argument', async (t) => {
  const table = tableName();
  const dims = 1536;
  await createTable(table, [1, 2, 3, 4], `vector(${dims})`);
  t.after(() => dropTable(table));
  const rnd = prng(2);
  const vectors = [1, 2, 3, 4].map(() => Float32Array.from({ length: dims }, () => (rnd() - 0.5) * 0.2));
  vectors[3][0] = -0; // sign of zero survives
  vectors[3][1] = 1e-40; // a subnormal survives
  const dir = await mkdtemp(join(tmpdir(), 'vecfill-'));
  const file = join(dir, 'out.jsonl');
  await writeFile(file, vectors.map((v, k) => okLine(String(k + 1), base64Of(v))).join('\n'));
  const res = await runCli(['ingest', '--db', DB_URL, '--table', table, file]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /updated 4 rows/);
  for (let k = 0; k < 4; k++) {
    const stored = await storedVector(table, k + 1);
    assert.ok(stored && stored.length === dims);
    for (let j = 0; j < dims; j++) assert.ok(Object.is(stored[j], vectors[k][j]), `row ${k + 1} value ${j}`);
  }
});
