// The vectors the emulator returns. They are EMULATED, not a model's: a feature-hashed bag of words.
// The text is cut into words, each word is hashed to one dimension and a sign, the signed counts are
// summed and the sum is scaled to length 1. So texts that share words point the same way (their cosine
// is about the cosine of their word counts) and texts that share none are orthogonal, but for the rare
// pair of words that land on the same dimension. Enough meaning for a demo's nearest-neighbour query,
// none of a model's.
//
// The hash has a fixed seed, not the emulator's --seed: a text has the same vector in every emulator
// and every run, so a test computes it with emulatedEmbedding() and compares what landed in the
// database bit for bit.

/** Runs of letters (with their combining marks) and digits: punctuation and spaces only separate. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Mixed into the hash so the features are this emulator's own ("vecf" in ASCII). */
const HASH_SEED = 0x76656366;

/** The words of a text, in order: Unicode NFKC, lower case, runs of letters and digits. */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/**
 * The emulated embedding of `text` in `dims` dimensions: float32, length 1. A text without any word
 * ("", "  ", "?!"), or, rarely, one whose words cancel out, gets the vector of the empty word: ±1 in
 * a single dimension, the same for all such texts.
 */
export function emulatedEmbedding(text: string, dims: number): Float32Array {
  if (!(Number.isInteger(dims) && dims >= 1)) throw new RangeError(`dims must be a whole number ≥ 1, not ${dims}`);
  const sums = new Float64Array(dims);
  for (const word of words(text)) addWord(sums, word);
  let squares = 0;
  for (let i = 0; i < dims; i++) squares += sums[i] * sums[i];
  if (squares === 0) {
    addWord(sums, '');
    squares = 1;
  }
  const norm = Math.sqrt(squares);
  const vector = new Float32Array(dims);
  for (let i = 0; i < dims; i++) vector[i] = sums[i] / norm;
  return vector;
}

// Bit 0 of the hash is the sign and the other 31 the dimension: a good mix makes them independent, so
// two words that share a dimension add up as often as they cancel.
function addWord(sums: Float64Array, word: string): void {
  const hash = wordHash(word);
  sums[(hash >>> 1) % sums.length] += hash & 1 ? -1 : 1;
}

/** FNV-1a over the word's UTF-8 bytes, then murmur3's finalizer so that every bit depends on every byte. */
export function wordHash(word: string): number {
  let h = (0x811c9dc5 ^ HASH_SEED) >>> 0;
  for (const byte of Buffer.from(word, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
