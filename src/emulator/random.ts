// Deterministic randomness: every id, shuffle and fault the emulator produces is a pure function of
// a seed, so a failing test fails the same way on every run.
import { createHash } from 'node:crypto';

/** A PRNG (sfc32) seeded from the SHA-256 of `key`; returns floats in [0, 1). */
export function seededRandom(key: string): () => number {
  const digest = createHash('sha256').update(key).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** mulberry32: a small PRNG seeded from a number; returns floats in [0, 1). For data that must be the
 *  same on every run (the demo's texts, the tests' inputs). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates over a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Ids shaped like OpenAI's (file-…, batch_…, batch_req_…, request ids), unique per server and
 * stable across runs with the same seed.
 */
export function idMaker(seed: string | number): (prefix: string, alphabet?: 'hex' | 'alnum') => string {
  let counter = 0;
  return (prefix, alphabet = 'hex') => {
    const digest = createHash('sha256').update(`${seed}:${prefix}:${counter++}`).digest();
    if (alphabet === 'hex') return prefix + digest.toString('hex').slice(0, 32);
    let id = '';
    for (let i = 0; i < 22; i++) id += ALPHANUMERIC[digest[i] % ALPHANUMERIC.length];
    return prefix + id;
  };
}
