// LineSplitter: Buffer chunks → lines. Lines across chunk boundaries, CRLF, a BOM, blank lines counted in
// line numbers, a line over the limit reported once (with its head) and skipped, a last line without a
// newline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from '../src/ingest/lines.js';
import { prng } from './helpers/output.js';

interface Seen {
  lines: [number, string][];
  overlong: [number, string][];
}

/** Splits the chunks (strings or Buffers) with a fresh splitter and returns what it reported. */
function split(chunks: (string | Buffer)[], maxBytes?: number): Seen {
  const seen: Seen = { lines: [], overlong: [] };
  const splitter = new LineSplitter({
    line: (b, start, end, lineNo) => seen.lines.push([lineNo, b.toString('utf8', start, end)]),
    overlong: (lineNo, head) => seen.overlong.push([lineNo, head.toString('utf8')]),
  }, maxBytes);
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c);
  splitter.end();
  return seen;
}

/** The bytes cut into pieces of the given size. */
function pieces(text: string | Buffer, size: number): Buffer[] {
  const b = Buffer.from(text);
  const out: Buffer[] = [];
  for (let k = 0; k < b.length; k += size) out.push(b.subarray(k, k + size));
  return out;
}

test('lines in one chunk, numbered from 1', () => {
  assert.deepEqual(split(['{"a":1}\n{"b":2}\n']).lines, [[1, '{"a":1}'], [2, '{"b":2}']]);
});

test('a line cut at every possible place across two chunks, and one byte per chunk', () => {
  const text = 'first line\r\nsecond ✓ line\n\nthird\r\n';
  const want = [[1, 'first line'], [2, 'second ✓ line'], [4, 'third']];
  const b = Buffer.from(text);
  for (let cut = 0; cut <= b.length; cut++) {
    assert.deepEqual(split([b.subarray(0, cut), b.subarray(cut)]).lines, want, `cut at ${cut}`);
  }
  assert.deepEqual(split(pieces(text, 1)).lines, want);
  assert.deepEqual(split(pieces(text, 7)).lines, want);
});

test('CRLF endings: the CR is not part of the line, also when CR and LF arrive in different chunks', () => {
  assert.deepEqual(split(['a\r\nb\r\n']).lines, [[1, 'a'], [2, 'b']]);
  assert.deepEqual(split(['a\r', '\nb\r', '\n']).lines, [[1, 'a'], [2, 'b']]);
  assert.deepEqual(split(['a\r\nb\r']).lines, [[1, 'a'], [2, 'b']], 'a last line ending in CR without LF');
});

test('a UTF-8 BOM at the start of the input is skipped', () => {
  assert.deepEqual(split(['\ufeff{"a":1}\n{"b":2}']).lines, [[1, '{"a":1}'], [2, '{"b":2}']]);
  assert.deepEqual(split(['\ufeff{"a":1}\n', '{"b":2}\n']).lines, [[1, '{"a":1}'], [2, '{"b":2}']]);
  assert.deepEqual(split(['\ufeff']).lines, [], 'a BOM alone is no line');
});

test('blank and whitespace-only lines are not delivered but are counted', () => {
  assert.deepEqual(split(['\n\r\n  \t \n\t\r\nx\n \n', 'y']).lines, [[5, 'x'], [7, 'y']]);
  assert.deepEqual(split(['x\n   ']).lines, [[1, 'x']], 'a last line of spaces');
});

test('a last line without a newline is delivered at end(); a final newline adds no line', () => {
  assert.deepEqual(split(['a\nb']).lines, [[1, 'a'], [2, 'b']]);
  assert.deepEqual(split(['a\n', 'b']).lines, [[1, 'a'], [2, 'b']]);
  assert.deepEqual(split(['a', 'b']).lines, [[1, 'ab']]);
  assert.deepEqual(split(['a\n']).lines, [[1, 'a']]);
  assert.deepEqual(split([]).lines, []);
  assert.deepEqual(split(['']).lines, []);
});

test('a line over maxBytes is reported once with its head, and the next line keeps its number', () => {
  const long = 'x'.repeat(3000) + 'y'.repeat(3000);
  for (const size of [1, 7, 1000, 4096, 100_000]) {
    const seen = split(pieces(`short\n${long}\nnext\n`, size), 2048);
    assert.deepEqual(seen.lines, [[1, 'short'], [3, 'next']], `pieces of ${size}`);
    assert.equal(seen.overlong.length, 1, `pieces of ${size}: reported once`);
    assert.equal(seen.overlong[0][0], 2);
    const head = seen.overlong[0][1];
    assert.ok(head.length > 0 && long.startsWith(head), `pieces of ${size}: the head is the line's first bytes`);
  }
});

test('with a limit under 1 KiB, the head of an over-long line holds only that line\'s bytes', () => {
  const long = 'x'.repeat(10) + 'y'.repeat(40);
  for (const size of [1, 4, 7, 1000]) {
    const seen = split(pieces(`short\n${long}\nnext\n`, size), 16);
    assert.deepEqual(seen.lines, [[1, 'short'], [3, 'next']], `pieces of ${size}`);
    assert.deepEqual(seen.overlong.map(([n]) => n), [2], `pieces of ${size}: reported once`);
    const head = seen.overlong[0][1];
    assert.ok(head.length > 0 && long.startsWith(head), `pieces of ${size}: head ${JSON.stringify(head)} is not a prefix of the line`);
  }
});

test('the head of an over-long line is at most 1 KiB, and an over-long last line is reported once', () => {
  const long = Buffer.alloc(5000, 'z').toString();
  for (const size of [100, 3000, 10000]) {
    const seen = split(pieces(`a\n${long}`, size), 2048);
    assert.deepEqual(seen.lines, [[1, 'a']], `pieces of ${size}`);
    assert.equal(seen.overlong.length, 1, `pieces of ${size}`);
    assert.equal(seen.overlong[0][0], 2);
    assert.ok(seen.overlong[0][1].length <= 1024 && seen.overlong[0][1].length > 0, `head of ${seen.overlong[0][1].length} bytes`);
  }
});

test('a line of exactly maxBytes is delivered, whole or in pieces', () => {
  const line = 'q'.repeat(16);
  for (const size of [1, 5, 16, 100]) {
    const seen = split(pieces(`${line}\n${line}`, size), 16);
    assert.deepEqual(seen.lines, [[1, line], [2, line]], `pieces of ${size}`);
    assert.deepEqual(seen.overlong, []);
  }
});

test('a chunk the reader reuses after push() does not change a held line', () => {
  const seen: string[] = [];
  const splitter = new LineSplitter({ line: (b, s, e) => seen.push(b.toString('utf8', s, e)), overlong: () => {} });
  const chunk = Buffer.from('hello ');
  splitter.push(chunk);
  chunk.fill('!'); // as a stream implementation may do with its read buffer
  splitter.push(Buffer.from('world\n'));
  splitter.end();
  assert.deepEqual(seen, ['hello world']);
});

test('random lines in random chunks: the same lines as a plain split', () => {
  const rnd = prng(42);
  for (let round = 0; round < 50; round++) {
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => {
      const r = rnd();
      if (r < 0.1) return '';
      if (r < 0.15) return ' \t ';
      return Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => String.fromCharCode(33 + Math.floor(rnd() * 90))).join('') + (rnd() < 0.1 ? 'é✓' : '');
    });
    const crlf = rnd() < 0.5;
    const text = lines.join(crlf ? '\r\n' : '\n') + (rnd() < 0.5 ? '\n' : '');
    const want = lines.map((l, k) => [k + 1, l] as [number, string]).filter(([, l]) => l.trim() !== '');
    const b = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let k = 0; k < b.length;) {
      const n = 1 + Math.floor(rnd() * 40);
      chunks.push(b.subarray(k, k + n));
      k += n;
    }
    assert.deepEqual(split(chunks).lines, want, `round ${round}`);
  }
});
