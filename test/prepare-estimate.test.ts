// The estimate counts every input's tokens with cl100k_base and prices them at Batch API prices
// (per 1M tokens: 3-small $0.01, 3-large $0.065, ada-002 $0.05).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { docsTable, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

const TEXTS = ['The quick brown fox jumps over the lazy dog.', 'Ünïcödé and emoji 🙂 count too', 'x'.repeat(3000)];

for (const [model, perMillion, dims] of [['text-embedding-3-small', 0.01, 1536], ['text-embedding-3-large', 0.065, 3072], ['text-embedding-ada-002', 0.05, 1536]] as const) {
  test(`${model}: tokens and dollars`, async (t) => {
    const db = await freshDatabase(t);
    const dir = await tempDir();
    t.after(dir.cleanup);
    await docsTable(db, TEXTS.map((text, i) => [i + 1, text]), `vector(${dims})`);

    const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--model', model, '--out', dir.dir, '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = json(r);
    const expected = TEXTS.reduce((n, text) => n + encode(text).length, 0);
    assert.equal(s.tokens, expected);
    assert.equal(s.files[0].tokens, expected);
    assert.ok(Math.abs(s.estimatedCost - (expected / 1e6) * perMillion) < 1e-15, `${s.estimatedCost}`);
  });
}

test('the human summary shows tokens and dollars', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await db.sql(`CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(3072))`);
  await db.sql(`INSERT INTO docs SELECT g, repeat('hello world ', 400) FROM generate_series(1, 500) g`);
  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--model', 'text-embedding-3-large', '--out', dir.dir);
  assert.equal(r.code, 0, r.stderr);
  const tokens = 500 * encode('hello world '.repeat(400)).length;
  assert.match(r.stdout, new RegExp(`estimate: ${tokens.toLocaleString('en-US')} tokens, \\$${((tokens / 1e6) * 0.065).toFixed(4)} at batch prices`));
});
