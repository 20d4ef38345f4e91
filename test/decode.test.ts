// LineDecoder, one Batch API output line at a time, one scenario each: what it applies (exact float32
// values, base64 bytes) and what it rejects, with which code and which words. No database; the
// agreement with JSON.parse over many generated lines is decode-agrees-with-json-parse.test.ts's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineDecoder, MAX_DIMS } from '../src/ingest/decode.js';
import { base64Of, httpErrorLine, notExecutedLine, okLine } from './helpers/output.js';

function decode(line: string, halfvec = false, decoder = new LineDecoder(halfvec)) {
  const b = Buffer.from(line);
  const d = decoder.decode(b, 0, b.length);
  return { ...d, values: Array.from(decoder.vector.subarray(0, d.dims)) };
}

/** A success line whose embedding is the given JSON text, spliced in as is. */
const raw = (embedding: string, customId = '7') => okLine(customId, { raw: embedding });

test('a float line decodes to the float32 of each decimal, Math.fround(Number(text))', () => {
  const texts = ['-0.0028842222', '-5.3660897e-05', '0.1', '1', '0', '-0.0', '3.4028235e38'];
  const d = decode(raw(`[${texts.join(',')}]`, '42'));
  assert.equal(d.ok, true, d.reason);
  assert.equal(d.customId, '42');
  assert.equal(d.tokens, 5);
  assert.equal(d.dims, texts.length);
  texts.forEach((t, k) => assert.ok(Object.is(d.values[k], Math.fround(Number(t))), `${t} → ${d.values[k]}`));
});

test('a base64 line decodes to its little-endian float32 bytes, bit for bit', () => {
  const values = [0.5, -1.25, Math.fround(0.1), 1e-40, -0];
  const d = decode(okLine('1', base64Of(values)));
  assert.equal(d.ok, true, d.reason);
  assert.deepEqual(d.values, Array.from(Float32Array.from(values)));
  assert.ok(Object.is(d.values[4], -0));
});

test('plain numbers and numbers the fast loop hands over (long mantissas, big exponents) keep their order', () => {
  const texts = ['0.25', '0.12345678901234567890', '-7', '1e-30', '2.5E+3', '123456789012345678901234', '0.5'];
  const d = decode(raw(`[ ${texts.join(' , ')} ]`));
  assert.equal(d.ok, true, d.reason);
  assert.deepEqual(d.values, texts.map((t) => Math.fround(Number(t))));
});

test('an embedding longer than the decoder\'s first vector grows it and keeps every value', () => {
  const values = Array.from({ length: 3072 }, (_, k) => (k % 97) / 128 - 0.375);
  const d = decode(raw(JSON.stringify(values)));
  assert.equal(d.ok, true, d.reason);
  assert.equal(d.dims, 3072);
  assert.deepEqual(d.values, values);
});

test(`more than ${MAX_DIMS} values is a dimension_mismatch naming pgvector's limit`, () => {
  const d = decode(raw(`[${Array(MAX_DIMS + 1).fill('0.5').join(',')}]`));
  assert.equal(d.ok, false);
  assert.equal(d.code, 'dimension_mismatch');
  assert.match(d.reason!, /more than 16000 values, pgvector's limit/);
});

test('"- 1" is no number: the line is malformed JSON', () => {
  const d = decode(raw('[0.5,- 1]'));
  assert.equal(d.code, 'malformed_json');
  assert.match(d.reason!, /^malformed JSON at byte \d+: invalid number$/);
});

test('1e999 is not_finite, naming the element', () => {
  const d = decode(raw('[0.5,1e999,2]'));
  assert.equal(d.ok, false);
  assert.equal(d.code, 'not_finite');
  assert.match(d.reason!, /embedding element 1 is not a finite float32 \(Infinity\)/);
});

test('65520 is out of range for halfvec and fine for vector', () => {
  const line = raw('[1,-65520,3]');
  const half = decode(line, true);
  assert.equal(half.code, 'halfvec_range');
  assert.match(half.reason!, /embedding element 1 \(-65520\) is out of range for halfvec/);
  assert.equal(decode(line, false).ok, true);
  assert.equal(decode(raw('[1,-65519.99,3]'), true).ok, true, 'within the range once a float32');
});

test('a line cut in the middle of its array is malformed JSON, whatever the buffer holds after it', () => {
  const line = raw('[0.5,0.25,0.125]');
  const cut = line.slice(0, line.indexOf('0.25,') + 4);
  const b = Buffer.from(`${cut}\n${line}`); // the next line's bytes are right there in the buffer
  const d = new LineDecoder(false).decode(b, 0, cut.length);
  assert.equal(d.code, 'malformed_json');
  assert.match(d.reason!, new RegExp(`^malformed JSON at byte ${cut.length + 1}: expected ',' or ']' in the embedding$`));
});

test('a string among the numbers is not_a_number, naming the element and the string', () => {
  const d = decode(raw('[0.5,"0.25",0.125]'));
  assert.equal(d.code, 'not_a_number');
  assert.equal(d.reason, 'embedding element 1 is a string "0.25", not a number');
});

test('a repeated embedding key keeps its last value, as JSON.parse does', () => {
  const line = raw('[1,2,3]').replace('"embedding":[1,2,3]', '"embedding":[1,2,3],"embedding":[4,5]');
  const d = decode(line);
  assert.equal(d.ok, true, d.reason);
  assert.deepEqual(d.values, [4, 5]);
});

test('an HTTP error line is http_error with its status and message', () => {
  const d = decode(httpErrorLine('9', 400, 'input too long'));
  assert.equal(d.code, 'http_error');
  assert.equal(d.customId, '9');
  assert.equal(d.reason, 'HTTP 400: input too long');
});

test('a line that was never executed carries the batch\'s own code', () => {
  const d = decode(notExecutedLine('9', 'batch_expired'));
  assert.equal(d.code, 'batch_expired');
  assert.match(d.reason!, /^batch_expired: /);
});

test('a line without a custom_id is missing_custom_id', () => {
  const d = decode(raw('[1]').replace('"custom_id":"7"', '"custom_id":7'));
  assert.equal(d.code, 'missing_custom_id');
});

test('one decoder reads line after line: nothing of a rejected line stays for the next', () => {
  const decoder = new LineDecoder(true);
  assert.equal(decode(raw('[1,70000,2,3]'), true, decoder).code, 'halfvec_range');
  assert.equal(decode(raw('[1,0.12345678901234567890,x]'), true, decoder).code, 'malformed_json');
  const d = decode(raw('[0.5,0.25]', '8'), true, decoder);
  assert.equal(d.ok, true, d.reason);
  assert.equal(d.customId, '8');
  assert.deepEqual(d.values, [0.5, 0.25]);
});
