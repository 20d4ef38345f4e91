// A float output file, piped through stdin, sets every row to exactly Math.fround(Number(text)) of each
// decimal in the file, in shuffled order, and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { runCli } from './helpers/cli.js';
import { okLine, prng } from './helpers/output.js';

test('float output lines are applied bit-exact', async (t) => {
  const table = tableName();
  const rows = 300;
  const dims = 64;
  await createTable(table, Array.from({ length: rows }, (_, k) => k + 1), `vector(${dims})`);
  t.after(() => dropTable(table));
  const rnd = prng(1);
  const texts = new Map<number, string[]>();
  const lines: string[] = [];
  for (let id = rows; id >= 1; id--) {
    // As the API prints them (short float32 reprs, exponents), and the long doubles of older outputs.
    const values = Array.from({ length: dims }, (_, k) => {
      const x = (rnd() - 0.5) * 0.1 * 10 ** -Math.floor(rnd() * 6);
      return k % 3 === 0 ? String(x) : k % 3 === 1 ? Math.fround(x).toPrecision(8) : Math.fround(x).toExponential(7);
    });
    texts.set(id, values);
    lines.push(okLine(String(id), { raw: `[${values.join(',')}]` }));
  }
  const res = await runCli(['ingest', '--db', DB_URL, '--table', table, '--json'], lines.join('\n') + '\n');
  assert.equal(res.code, 0, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.rowsUpdated, rows);
  assert.equal(summary.lines, rows);
  assert.equal(summary.rejected, 0);
  assert.equal(summary.tokens, rows * 5);
  for (const id of [1, 2, 150, rows]) {
    const stored = await storedVector(table, id);
    const want = texts.get(id)!.map((s) => Math.fround(Number(s)));
    assert.deepEqual(Array.from(stored!), want, `row ${id}`);
  }
});
