// The emulated embedding's shape: float32 of the asked dimensions, length 1, one signed unit per word
// (order, case and punctuation aside), the same on every run, and a defined vector for a text
// without words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatedEmbedding } from '../src/emulator/index.js';

/** The non-zero values as [dimension, value] pairs. */
const nonZero = (v: Float32Array) => [...v.entries()].filter(([, x]) => x !== 0);
const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test('the same on every run: pinned values, so a change to the hash (every vector a user stored) is deliberate', () => {
  assert.deepEqual(nonZero(emulatedEmbedding('hello world', 1536)), [[974, Math.fround(Math.SQRT1_2)], [1467, Math.fround(Math.SQRT1_2)]]);
  const eighth = Math.fround(1 / Math.sqrt(8));
  assert.deepEqual(nonZero(emulatedEmbedding('The cat sat on the mat.', 1536)),
    [[235, eighth], [471, eighth], [675, -eighth], [1251, eighth], [1268, Math.fround(2 / Math.sqrt(8))]], '"the" twice counts twice');
  assert.deepEqual(emulatedEmbedding('some text', 3072), emulatedEmbedding('some text', 3072));
});

test('float32 of the asked dimensions, length 1', () => {
  const texts = ['a', 'hello world', 'The quick brown fox jumps over the lazy dog', 'x '.repeat(500) + 'y', 'ünïcödé ✓ 42'];
  for (const dims of [1, 2, 3, 256, 1536, 3072]) {
    for (const text of texts) {
      const v = emulatedEmbedding(text, dims);
      assert.ok(v instanceof Float32Array);
      assert.equal(v.length, dims);
      assert.ok(Math.abs(norm(v) - 1) < 1e-6, `|${JSON.stringify(text.slice(0, 20))}| in ${dims} dims is ${norm(v)}`);
    }
  }
});

test('a word is one dimension and a sign; order, case, punctuation and repeats of the whole text do not matter', () => {
  const cat = nonZero(emulatedEmbedding('cat', 1536));
  assert.equal(cat.length, 1);
  assert.equal(Math.abs(cat[0][1]), 1);
  assert.deepEqual(emulatedEmbedding('cat cat cat', 1536), emulatedEmbedding('cat', 1536));
  const same = ['hello world', 'Hello, World!', 'WORLD\thello', '...hello...world...', 'hello world hello world'];
  for (const text of same) assert.deepEqual(emulatedEmbedding(text, 1536), emulatedEmbedding('hello world', 1536), text);
  assert.deepEqual(emulatedEmbedding('ÉCOLE ﬁle', 1536), emulatedEmbedding('école file', 1536), 'NFKC, then lower case');
  assert.notDeepEqual(emulatedEmbedding('abc123', 1536), emulatedEmbedding('abc 123', 1536), 'letters and digits make one word');
});

test('a text without words is the empty word\'s vector: one ±1, the same for every such text', () => {
  const empty = emulatedEmbedding('', 1536);
  const [only, ...rest] = nonZero(empty);
  assert.deepEqual([Math.abs(only[1]), rest], [1, []]);
  for (const text of ['   ', '?!', '— … —', '\n\t']) assert.deepEqual(emulatedEmbedding(text, 1536), empty, JSON.stringify(text));
  assert.notDeepEqual(emulatedEmbedding('a', 1536), empty);
});

test('dimensions must be a whole number ≥ 1', () => {
  for (const dims of [0, -1, 1.5, Number.NaN]) assert.throws(() => emulatedEmbedding('text', dims), /^RangeError: dims must be a whole number ≥ 1/);
});
