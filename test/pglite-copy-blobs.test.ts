// A binary COPY stream, cut wherever its writer cut it, becomes blobs that are each a whole binary COPY
// (header, whole tuples, trailer), each at least the blob size but the last (and at most a chunk more), with every tuple once and
// in order; data that ends inside a tuple is an error, as it is for PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyBlobCutter } from '../src/db/copy-blobs.js';
import { prng } from './helpers/output.js';

const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.from([0, 0, 0, 3]), Buffer.from('ext')]);

function tuple(n: number, size: number): Buffer {
  const value = Buffer.alloc(size, n % 251);
  // Two fields: an int4 and a value of `size` bytes, then a NULL.
  return Buffer.concat([Buffer.from([0, 3]), Buffer.from([0, 0, 0, 4]), Buffer.from([0, 0, 0, 0].map((_, k) => (n >> (24 - 8 * k)) & 255)),
    Buffer.from([0, 0, (size >> 8) & 255, size & 255]), value, Buffer.from([255, 255, 255, 255])]);
}

/** The tuple numbers of a blob, checking that it is a whole COPY. */
async function tuplesOf(blob: Blob): Promise<number[]> {
  const b = Buffer.from(await blob.arrayBuffer());
  assert.ok(b.subarray(0, HEADER.length).equals(HEADER), 'starts with the header');
  assert.equal(b.readInt16BE(b.length - 2), -1, 'ends with the trailer');
  const out: number[] = [];
  let p = HEADER.length;
  while (b.readInt16BE(p) !== -1) {
    out.push(b.readInt32BE(p + 6));
    p += 2 + 8 + 4 + b.readInt32BE(p + 10) + 4;
  }
  assert.equal(p, b.length - 2, 'nothing after the trailer');
  return out;
}

test('cut anywhere, the blobs are whole COPYs holding every tuple once, in order', async () => {
  const rnd = prng(3);
  const all = Buffer.concat([HEADER, ...Array.from({ length: 500 }, (_, n) => tuple(n, 1 + Math.floor(rnd() * 300))), Buffer.from([255, 255])]);
  for (const maxChunk of [1, 7, 300, 5000, all.length]) {
    const cutter = new CopyBlobCutter(10_000);
    const blobs: Blob[] = [];
    for (let p = 0; p < all.length;) {
      const n = 1 + Math.floor(rnd() * maxChunk);
      const blob = cutter.push(all.subarray(p, p + n));
      if (blob) blobs.push(blob);
      p += n;
    }
    const last = cutter.finish();
    if (last) blobs.push(last);
    const seen = (await Promise.all(blobs.map(tuplesOf))).flat();
    assert.deepEqual(seen, Array.from({ length: 500 }, (_, n) => n), `chunks up to ${maxChunk} bytes`);
    // A blob ends with the chunk that filled it: at most a chunk (and a tuple it finished) past the size.
    for (const b of blobs.slice(0, -1)) assert.ok(b.size >= 10_000 && b.size <= 10_000 + maxChunk + 320 + HEADER.length + 2, `blob of ${b.size} bytes`);
    assert.equal(cutter.tuples, 500);
  }
});

test('data that ends inside a tuple, or without a trailer, is an error', () => {
  const cut = new CopyBlobCutter();
  cut.push(Buffer.concat([HEADER, tuple(1, 10)]).subarray(0, HEADER.length + 9));
  assert.throws(() => cut.finish(), /middle of a row/);
  const noTrailer = new CopyBlobCutter();
  noTrailer.push(Buffer.concat([HEADER, tuple(1, 10)]));
  assert.throws(() => noTrailer.finish(), /no trailer/);
  assert.throws(() => new CopyBlobCutter().push(Buffer.alloc(40)), /binary format/);
});
