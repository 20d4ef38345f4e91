// The emulated embedding carries a bag of words' meaning: texts that share words are near (cosine),
// texts that share none orthogonal. Proved against the plain definition, the cosine of two texts'
// word counts, over thousands of generated texts (seeded: the same texts on every run).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatedEmbedding } from '../src/emulator/index.js';
import { prng } from './helpers/output.js';

const DIMS = 1536;

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot; // both have length 1
}

const near = (a: string, b: string) => cosine(emulatedEmbedding(a, DIMS), emulatedEmbedding(b, DIMS));

test('texts that share more words are nearer; texts that share none are orthogonal', () => {
  const anchor = 'The cat sat on the mat';
  const many = near(anchor, 'a cat sat on a mat');
  const one = near(anchor, 'my cat is asleep');
  const none = near(anchor, 'quarterly revenue grew in Europe');
  assert.ok(many > 0.4, `shares cat, sat, on, mat: ${many}`);
  assert.ok(one > 0.1 && one < many, `shares cat: ${one}`);
  assert.equal(none, 0);
  assert.ok(near('Revenue grew in Europe.', 'europe: REVENUE grew') > 0.8, 'case and punctuation do not matter');
});

// The reference: lower case, split on anything that is not an ASCII letter or digit, count, cosine.
// Independent of the emulator's Unicode tokenizer and hash; the generated texts stay in ASCII.
function countCosine(a: string, b: string): number {
  const counts = (text: string) => {
    const m = new Map<string, number>();
    for (const w of text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  };
  const [ca, cb] = [counts(a), counts(b)];
  let dot = 0;
  for (const [w, n] of ca) dot += n * (cb.get(w) ?? 0);
  const len = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  return dot / (len(ca) * len(cb));
}


function generator(seed: number) {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const vocabulary = Array.from({ length: 400 }, () => Array.from({ length: 2 + Math.floor(random() * 8) }, () => pick([...letters])).join(''));
  const separators = [' ', ' ', ' ', ', ', '. ', '! ', ' - ', '\t', '\n', '"'];
  const word = () => {
    const w = pick(vocabulary.slice(0, 40 + Math.floor(random() * 360))); // some words far more common
    return random() < 0.2 ? w.toUpperCase() : random() < 0.2 ? w[0].toUpperCase() + w.slice(1) : w;
  };
  return () => Array.from({ length: 1 + Math.floor(random() * 15) }, word).map((w) => w + pick(separators)).join('');
}

test('the cosine of two emulated vectors is the cosine of their word counts, but for rare hash collisions (3,000 seeded pairs)', () => {
  const text = generator(20240611);
  let exact = 0;
  let shared = 0;
  let totalError = 0;
  const PAIRS = 3000;
  for (let i = 0; i < PAIRS; i++) {
    const a = text();
    // Every other pair overlaps: the same words in another order, and one more.
    const b = i % 2 === 0 ? `${a.split(/\s+/).reverse().join(' ')} ${text()}` : text();
    const want = countCosine(a, b);
    const got = near(a, b);
    const error = Math.abs(got - want);
    totalError += error;
    if (error < 1e-6) exact++;
    if (want > 0) shared++;
    assert.ok(error < 0.5, `pair ${i}: ${JSON.stringify(a)} / ${JSON.stringify(b)}: ${got} for ${want}`);
  }
  assert.ok(shared > PAIRS / 3, `enough pairs share words (${shared})`);
  assert.ok(exact / PAIRS > 0.9, `exact for ${exact} of ${PAIRS} pairs`);
  assert.ok(totalError / PAIRS < 0.005, `mean error ${totalError / PAIRS}`);
});
