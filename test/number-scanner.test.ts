// NumberScanner, the number loops under every embedding, one scenario each: what a scan returns and
// what it leaves in its own fields (where it ended, why it stopped, the first value out of range), for
// the fast loop over an array and for one number. No database. Exactness over many numbers is
// floats-exact.test.ts's; agreement on whole lines is decode-agrees-with-json-parse.test.ts's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HALF_LIMIT, NumberScanner, scanNumber, Stop } from '../src/ingest/floats.js';

/** The fast loop over `text` from the first byte after its '[' (the caller has stepped past it). */
function numbers(text: string, cap = 16, limit = Infinity, scanner = new NumberScanner()) {
  const b = Buffer.from(text);
  const out = new Float32Array(cap);
  const n = scanner.numbers(b, text.indexOf('[') + 1, b.length, out, 0, limit);
  return { n, values: Array.from(out.subarray(0, n)), end: scanner.end, stop: scanner.stop, firstOutOfRange: scanner.firstOutOfRange, scanner, b, out };
}

test('plain numbers are read to the closing bracket, which the scan ends past', () => {
  const text = '[0.5,-1.25e-3, 2 ,3]}';
  const r = numbers(text);
  assert.equal(r.n, 4);
  assert.deepEqual(r.values, [0.5, Math.fround(-1.25e-3), 2, 3]);
  assert.equal(r.stop, Stop.End);
  assert.equal(r.end, text.indexOf(']') + 1);
  assert.equal(r.firstOutOfRange, -1);
});

test('a full array stops at the next element, and a scan from there goes on', () => {
  const text = '[1,2,3,4]';
  const scanner = new NumberScanner();
  const b = Buffer.from(text);
  const small = new Float32Array(2);
  assert.equal(scanner.numbers(b, 1, b.length, small, 0, Infinity), 2);
  assert.equal(scanner.stop, Stop.Full);
  assert.equal(scanner.end, text.indexOf('3'));
  const big = new Float32Array(8);
  big.set(small);
  assert.equal(scanner.numbers(b, scanner.end, b.length, big, 2, Infinity), 4);
  assert.equal(scanner.stop, Stop.End);
  assert.deepEqual(Array.from(big.subarray(0, 4)), [1, 2, 3, 4]);
});

test('a mantissa past 2^53 is left to the careful path at its first byte, which number() reads exactly', () => {
  const long = '0.12345678901234567890123';
  const text = `[1,${long},3]`;
  const r = numbers(text);
  assert.equal(r.n, 1);
  assert.equal(r.stop, Stop.Careful);
  assert.equal(r.end, text.indexOf(long));
  const value = r.scanner.number(r.b, r.end, r.b.length);
  assert.equal(value, Number(long));
  assert.equal(r.scanner.end, text.indexOf(long) + long.length);
});

test('an exponent beyond 10^±22 (1e999 among them) is left to the careful path', () => {
  for (const big of ['1e999', '3.5e38', '1e-30']) {
    const text = `[0.25,${big}]`;
    const r = numbers(text);
    assert.equal(r.stop, Stop.Careful, big);
    assert.equal(r.end, text.indexOf(big), big);
    assert.equal(r.n, 1, big);
  }
});

test('"- 1" is no number: the loop stops at the minus, and number() refuses it', () => {
  const text = '[1,- 1]';
  const r = numbers(text);
  assert.equal(r.n, 1);
  assert.equal(r.stop, Stop.Careful);
  assert.equal(r.end, text.indexOf('-'));
  assert.ok(Number.isNaN(r.scanner.number(r.b, r.end, r.b.length)));
  assert.equal(r.scanner.end, -1);
});

test('a bad separator hands the element before it back to the careful path', () => {
  const text = '[1,2 3]';
  const r = numbers(text);
  assert.equal(r.n, 1, 'the 2 is read again with what follows it');
  assert.equal(r.stop, Stop.Careful);
  assert.equal(r.end, text.indexOf('2'));
});

test('the first value at or beyond the limit is reported, once a float32 (halfvec range)', () => {
  const r = numbers('[1,65519.99,65520,-70000]', 16, HALF_LIMIT);
  assert.equal(r.n, 4);
  assert.equal(r.stop, Stop.End);
  assert.equal(r.firstOutOfRange, 2, '65519.99 is 65519.988 as a float32, inside the range');
  assert.equal(numbers('[1,65520]').firstOutOfRange, -1, 'no limit for a vector column');
});

test('each scanner keeps its own results: a scan by one leaves another as it was', () => {
  const a = numbers('[1,2,1e999]');
  const before = { end: a.scanner.end, stop: a.scanner.stop };
  const b = numbers('[70000]', 16, HALF_LIMIT);
  assert.equal(b.stop, Stop.End);
  assert.equal(b.firstOutOfRange, 0);
  assert.deepEqual({ end: a.scanner.end, stop: a.scanner.stop }, before);
  assert.equal(a.scanner.firstOutOfRange, -1);
  // And the next scan by the same scanner starts afresh: no out-of-range left over from before.
  const again = numbers('[1]', 16, HALF_LIMIT, b.scanner);
  assert.equal(again.firstOutOfRange, -1);
});

test('number() reads one JSON number and ends past it; what is no JSON number is NaN with end -1', () => {
  const scanner = new NumberScanner();
  const b = Buffer.from('-5.3660897e-05,');
  assert.equal(scanner.number(b, 0, b.length - 1), -5.3660897e-05);
  assert.equal(scanner.end, b.length - 1);
  for (const bad of ['-', '+1', '.5', '1.', '1e', '1e+', '-x', 'x']) {
    const text = Buffer.from(`${bad},`);
    assert.ok(Number.isNaN(scanner.number(text, 0, text.length - 1)), bad);
    assert.equal(scanner.end, -1, bad);
  }
});

test('scanNumber, for library callers, is the value alone', () => {
  assert.equal(scanNumber(Buffer.from('[0.1]'), 1, 4), 0.1);
  assert.ok(Number.isNaN(scanNumber(Buffer.from('[.1]'), 1, 4)));
});
