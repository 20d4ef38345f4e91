// A halfvec(n) column: each stored value is what PostgreSQL itself makes of the same float32 values
// ('[…]'::vector::halfvec); a value whose half-precision rounding overflows (|x| ≥ 65520) is rejected
// with halfvec_range, never stored as infinity; 65519 is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable, DB_URL, dropTable, sql, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { base64Of, okLine, prng } from './helpers/output.js';
import { readRejects, tempDir } from './helpers/files.js';

/** pgvector's text form of float32 values, exact: the shortest double of each float32 parses back to it. */
function vectorText(values: number[]): string {
  return `[${values.map((x) => { const f = Math.fround(x); return Object.is(f, -0) ? '-0' : String(f); }).join(',')}]`;
}

test('halfvec values equal PostgreSQL\'s own vector→halfvec of the same float32 values', async (t) => {
  const table = tableName('half');
  const dims = 4;
  const rnd = prng(7);
  const valid = new Map<number, { values: number[]; embedding: number[] | string | { raw: string } }>([
    [1, { values: [0.1, 1 / 3, -2.5e-5, 65519], embedding: { raw: '[0.1, 0.3333333333333333, -2.5e-5, 65519]' } }],
    [2, { values: [65504, -65519, 5.96e-8, 1e-8], embedding: { raw: '[65504, -65519, 5.96e-8, 1e-8]' } }],
    [3, { values: [2049, 2051, 0.000061035156, -0], embedding: { raw: '[2049, 2051, 0.000061035156, -0]' } }],
    [4, { values: [1.0009765625, 3.14159, 65519.99, -1e-7], embedding: base64Of([1.0009765625, 3.14159, 65519.99, -1e-7]) }],
  ]);
  for (let id = 5; id < 45; id++) {
    const values = Array.from({ length: dims }, () => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 9 - 4));
    valid.set(id, { values, embedding: id % 2 ? values : base64Of(values) });
  }
  const rejected = new Map<number, [string, number[] | string | { raw: string }]>([
    [100, ['halfvec_range', [65520, 0, 0, 0]]],
    [101, ['halfvec_range', [0, -70000, 0, 0]]],
    [102, ['halfvec_range', base64Of([0, 0, 65520, 0])]],
    [103, ['halfvec_range', { raw: '[0, 0, 0, -65520]' }]],
    [104, ['not_finite', { raw: '[1e999, 0, 0, 0]' }]],
    [105, ['dimension_mismatch', [1, 2, 3]]],
  ]);
  await createTable(table, [...valid.keys(), ...rejected.keys()], `halfvec(${dims})`);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const lines = [...[...valid].map(([id, c]) => okLine(String(id), c.embedding)), ...[...rejected].map(([id, [, e]]) => okLine(String(id), e))];
  const rejects = dir.path('rejects.jsonl');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejects], lines.join('\n'));
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.rowsUpdated, valid.size);

  for (const [id, c] of valid) {
    const { rows: [r] } = await sql(
      `SELECT embedding = $1::vector::halfvec AS eq, embedding::text AS got, $1::vector::halfvec::text AS want FROM ${table} WHERE id = $2`,
      [vectorText(c.values), id]);
    assert.equal(r.eq, true, `row ${id}: stored ${r.got}, PostgreSQL makes ${r.want}`);
  }
  const { rows: [one] } = await sql(`SELECT embedding::text AS v FROM ${table} WHERE id = 1`);
  assert.match(one.v, /65504\]$/, '65519 is accepted and rounds to the largest half, 65504');

  const records = await readRejects(rejects);
  assert.deepEqual(records.map((r) => [Number(r.custom_id), r.code]), [...rejected].map(([id, [code]]) => [id, code]));
  assert.match(records.find((r) => r.custom_id === '100')!.reason, /65520/);
  assert.match(records.find((r) => r.custom_id === '105')!.reason, /halfvec\(4\)/);
  const { rows: [nulls] } = await sql(`SELECT count(*)::int AS n FROM ${table} WHERE embedding IS NULL`);
  assert.equal(nulls.n, rejected.size, 'rejected rows keep their NULL');
});
