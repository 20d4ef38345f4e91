// A hook reads a number array in place through JsonBytes' own methods (skip, numbers, number), the
// way decode.ts reads an embedding: the cursor is JsonBytes' alone, and after the hook the document
// goes on from where the hook left it. No database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NumberScanner, Stop } from '../src/ingest/floats.js';
import { JsonBytes, MalformedJson, type Shape } from '../src/ingest/json-bytes.js';

/** A hook for "v" that reads its array into a Float32Array of room `cap`, the rest through number(). */
function floatsHook(cap: number) {
  const read: number[][] = [];
  const scanner = new NumberScanner();
  const hook = (json: JsonBytes) => {
    const out = new Float32Array(cap);
    const values: number[] = [];
    json.skip(1); // the '[' the hook was called on
    let n = json.numbers(scanner, out, 0, Infinity);
    values.push(...out.subarray(0, n));
    while (scanner.stop !== Stop.End) {
      values.push(json.number()); // the careful path, one element
      const sep = json.peek();
      if (sep !== 44 && sep !== 93) json.fail("expected ',' or ']'");
      json.skip(1);
      if (sep === 93) break;
      n = json.numbers(scanner, out, 0, Infinity);
      values.push(...out.subarray(0, n));
    }
    read.push(values);
    return values.length;
  };
  const shape: Shape = { keys: new Map([['v', { hook }]]) };
  return { read, shape };
}

test('a number array read in place: the document goes on after it, as JSON.parse reads it', () => {
  const { read, shape } = floatsHook(2);
  const text = '{"v":[0.5, 1e-30 ,2,3.25],"after":[1,{"x":"y"}],"v2":[4]}';
  const b = Buffer.from(text);
  const doc = new JsonBytes(shape).parseDocument(b, 0, b.length) as Record<string, unknown>;
  assert.deepEqual(read, [[0.5, 1e-30, 2, 3.25]]);
  assert.equal(doc.v, 4);
  assert.equal(JSON.stringify(doc.after), '[1,{"x":"y"}]');
  assert.equal(JSON.stringify(doc.v2), '[4]');
});

test('what follows a hook is still checked: bytes after the document name their byte', () => {
  const { shape } = floatsHook(8);
  const b = Buffer.from('{"v":[1,2]} x');
  assert.throws(
    () => new JsonBytes(shape).parseDocument(b, 0, b.length),
    (err: unknown) => err instanceof MalformedJson && err.at === 12 && /unexpected data after the JSON value/.test(err.message),
  );
});
