// Inputs over the models' 8,192-token limit (cl100k_base) are cut to their first 8,192 tokens by
// default, decoded back to text and counted; with --no-truncate their rows are left out and reported.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { docsTable, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

const LONG = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(1200); // ~13,000 tokens
const LONG_MULTIBYTE = 'Grüße aus 東京 und 漢字 🙂 '.repeat(1500);
const tokens = (text: string) => encode(text, { disallowedSpecial: new Set() }).length;

async function requests(path: string): Promise<Map<string, string>> {
  const text = await readFile(path, 'utf8');
  return new Map(text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((q) => [q.custom_id, q.body.input]));
}

test('a text over 8,192 tokens is cut to a prefix that fits, and counted', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  assert.ok(tokens(LONG) > 8192 && tokens(LONG_MULTIBYTE) > 8192);
  await docsTable(db, [[1, 'short text'], [2, LONG], [3, LONG_MULTIBYTE]]);

  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = json(r);
  assert.deepEqual(s.truncated, { count: 2, ids: ['2', '3'] });
  const sent = await requests(dir.path('requests-0001.jsonl'));
  assert.equal(sent.get('1'), 'short text');
  for (const [id, original] of [['2', LONG], ['3', LONG_MULTIBYTE]]) {
    const input = sent.get(id)!;
    assert.ok(original.startsWith(input), `row ${id}: the input is a prefix of the text`);
    assert.ok(!input.includes('\uFFFD'), `row ${id}: no broken character at the cut`);
    const n = tokens(input);
    assert.ok(n <= 8192 && n >= 8180, `row ${id}: ${n} tokens`);
  }
  assert.equal(s.tokens, tokens('short text') + tokens(sent.get('2')!) + tokens(sent.get('3')!));
});

test('--no-truncate leaves long texts out and reports them', async (t) => {
  const db = await freshDatabase(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'short text'], [2, LONG]]);

  const r = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--no-truncate', '--out', dir.dir);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /left out, over 8,192 tokens \(--no-truncate\): 1 rows \(ids 2\)/);
  assert.deepEqual([...(await requests(dir.path('requests-0001.jsonl'))).keys()], ['1']);
});
