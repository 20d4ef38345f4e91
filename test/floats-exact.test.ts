// The number scanner returns exactly Number(text) for every JSON number, so the float32 stored is
// Math.fround(Number(text)): a property test over random and edge numbers, against JSON.parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NumberScanner, scanNumber } from '../src/ingest/floats.js';
import { prng } from './helpers/output.js';

const scanner = new NumberScanner();

function check(text: string): void {
  const b = Buffer.from(`${text},`);
  const got = scanner.number(b, 0, b.length - 1);
  const want = JSON.parse(text) as number;
  assert.equal(scanner.end, text.length, `end of ${text}`);
  assert.ok(Object.is(got, want), `${text}: scanned ${got}, JSON.parse ${want}`);
  assert.ok(Object.is(Math.fround(got), Math.fround(want)), `${text} as float32`);
}

test('edge numbers scan exactly as JSON.parse reads them', () => {
  const edges = [
    '0', '-0', '0.0', '-0.0', '1', '-1', '10', '1e0', '1E+2', '1e-2', '-5.3660897e-05', '0.0023064255',
    '3.4028235e38', '3.4028236e38', '3.5e38', '1e39', '1e999', '-1e999', '1e-45', '1.4e-45', '7e-46', '1e-46',
    '1.1754943e-38', '1.1754942e-38', '1e-400', '123456789012345', '1234567890123456', '12345678901234567890',
    '9007199254740993', '0.1', '0.30000000000000004', '2.2250738585072014e-308', '4.9e-324', '1.7976931348623157e308',
    '0.000000000000000000000000000001', '100000000000000000000000', '1e22', '1e23', '123.456e-10',
    '0.12345678901234567890123', '65504', '65519.99', '65520', '-65520', '3.4028234663852886e38',
    '1.00000005960464477539062', '1.0000000596046447753906250001', '1.00000017881393432617187499',
  ];
  for (const e of edges) check(e);
});

test('random decimals, exponents and long mantissas scan exactly', () => {
  const rnd = prng(42);
  for (let k = 0; k < 200_000; k++) {
    const kind = k % 5;
    let text: string;
    if (kind === 0) text = String((rnd() - 0.5) * 0.2); // long doubles, as older API output printed them
    else if (kind === 1) text = Math.fround((rnd() - 0.5) * 0.1).toPrecision(1 + Math.floor(rnd() * 9)); // short float32 reprs
    else if (kind === 2) text = `${rnd() < 0.5 ? '-' : ''}${(rnd() * 10).toFixed(Math.floor(rnd() * 12))}e${Math.floor(rnd() * 90) - 60}`;
    else if (kind === 3) text = String(Math.floor(rnd() * 2 ** 53) * (rnd() < 0.5 ? -1 : 1));
    else {
      // Random digit strings of any length: the slow path and the fast path's edge.
      let digits = String(1 + Math.floor(rnd() * 9));
      const len = Math.floor(rnd() * 25);
      for (let d = 0; d < len; d++) digits += String(Math.floor(rnd() * 10));
      const dot = Math.floor(rnd() * digits.length);
      text = `${digits.slice(0, dot || 1)}${dot ? '.' + digits.slice(dot) : ''}`.replace(/\.$/, '');
      if (rnd() < 0.5) text += `e${Math.floor(rnd() * 100) - 50}`;
    }
    check(text.replace('e+', rnd() < 0.5 ? 'e+' : 'e').replace(/^(-?)\./, '$10.'));
  }
});

test('the float32 of a scanned decimal is the one Math.fround(Number(text)) gives, stored through a Float32Array', () => {
  const rnd = prng(7);
  const f = new Float32Array(1);
  for (let k = 0; k < 100_000; k++) {
    const text = ((rnd() - 0.5) * 10 ** (Math.floor(rnd() * 80) - 40)).toPrecision(1 + Math.floor(rnd() * 17));
    const b = Buffer.from(text);
    f[0] = scanNumber(b, 0, b.length);
    assert.ok(Object.is(f[0], Math.fround(Number(text))), text);
  }
});

test('invalid JSON numbers are refused', () => {
  for (const bad of ['-', '+1', '.5', '1.', '1e', '1e+', '-.5', '--1', 'x']) {
    const b = Buffer.from(`${bad},`);
    const v = scanner.number(b, 0, b.length - 1);
    assert.ok(scanner.end === -1 || b[scanner.end] !== 44, `${bad} accepted as ${v}`);
  }
});

test('whole embedding arrays decode to Math.fround(JSON.parse) of every element (the hot loop)', async () => {
  const { LineDecoder } = await import('../src/ingest/decode.js');
  const decoder = new LineDecoder(false);
  const rnd = prng(99);
  const forms = [
    (x: number) => String(x),
    (x: number) => Math.fround(x).toPrecision(1 + Math.floor(rnd() * 9)),
    (x: number) => x.toExponential(Math.floor(rnd() * 16)),
    (x: number) => x.toFixed(Math.floor(rnd() * 20)),
    (x: number) => String(Math.round(x * 1e6)),
    (x: number) => `${x < 0 ? '-' : ''}${Math.abs(x).toPrecision(21)}`, // 21 digits: the careful path
  ];
  for (let line = 0; line < 300; line++) {
    const texts: string[] = [];
    const len = 1 + Math.floor(rnd() * 3000);
    for (let k = 0; k < len; k++) {
      const x = (rnd() - 0.5) * 10 ** (Math.floor(rnd() * 12) - 8);
      texts.push(forms[Math.floor(rnd() * forms.length)](x));
    }
    const sep = line % 7 === 0 ? ' , ' : ',';
    const json = `{"custom_id":"1","response":{"status_code":200,"body":{"data":[{"embedding":[ ${texts.join(sep)} ]}]}}}`;
    const b = Buffer.from(json);
    const d = decoder.decode(b, 0, b.length);
    assert.ok(d.ok, d.reason);
    assert.equal(d.dims, texts.length);
    for (let k = 0; k < texts.length; k++) {
      const want = Math.fround(JSON.parse(texts[k]) as number);
      assert.ok(Object.is(decoder.vector[k], want), `line ${line} element ${k}: ${texts[k]} → ${decoder.vector[k]}, want ${want}`);
    }
  }
});
