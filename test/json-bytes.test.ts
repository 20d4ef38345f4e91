// JsonBytes, the reader under every output line, reads a document as JSON.parse does, one scenario
// each: "__proto__" is an ordinary key, a repeated key keeps its last value, escaped keys are the same
// keys, hooks fire only at their path, and nesting past its limit is refused, never a stack overflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonBytes, MalformedJson, type Shape } from '../src/ingest/json-bytes.js';

function parse(text: string, shape?: Shape): unknown {
  const b = Buffer.from(text);
  return new JsonBytes(shape).parseDocument(b, 0, b.length);
}

/** The same keys in the same order with the same values as JSON.parse gives. */
function assertAsJsonParse(text: string): void {
  assert.equal(JSON.stringify(parse(text)), JSON.stringify(JSON.parse(text)), text);
}

test('"__proto__" is an own key like any other; it sets no prototype', () => {
  const doc = parse('{"__proto__":{"custom_id":"5"},"id":"x"}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(doc), null);
  assert.equal(doc.custom_id, undefined, 'custom_id under __proto__ is not the object\'s custom_id');
  assert.deepEqual(Object.keys(doc), ['__proto__', 'id']);
  assert.equal(JSON.stringify(doc.__proto__), '{"custom_id":"5"}');
  assertAsJsonParse('{"__proto__":{"custom_id":"5"},"id":"x"}');
  assertAsJsonParse('{"__proto__":null,"__proto__":[1],"constructor":2,"toString":3}');
});

test('a repeated key keeps its last value, in the place of its first', () => {
  assertAsJsonParse('{"a":1,"b":{"c":1},"a":2,"b":null,"a":{"d":[3]}}');
  const doc = parse('{"custom_id":"1","custom_id":"2"}') as Record<string, unknown>;
  assert.equal(doc.custom_id, '2');
});

test('keys and strings with escapes are the same keys and strings', () => {
  const text = '{"custom\\u005fid":"\\u0031\\ud83d\\ude00\\/","\\u005f\\u005fproto\\u005F\\u005f":1,"lone":"\\ud800x","ctl":"\\b\\f\\n\\r\\t\\"\\\\"}';
  assertAsJsonParse(text);
  assert.equal((parse(text) as Record<string, unknown>).custom_id, '1😀/');
});

test('a hook reads only the value at its path, wherever else its key appears', () => {
  const seen: unknown[] = [];
  const hook = (reader: JsonBytes) => {
    const value = reader.value();
    seen.push(value);
    return 'hooked';
  };
  const shape: Shape = { keys: new Map([['a', { first: { keys: new Map([['e', { hook }]]) } }]]) };
  const doc = parse('{"e":0,"x":{"a":[{"e":1}]},"a":[{"e":2,"f":{"e":3}},{"e":4}],"a":[{"e":5}]}', shape);
  assert.deepEqual(seen, [2, 5]);
  assert.equal(JSON.stringify(doc), '{"e":0,"x":{"a":[{"e":1}]},"a":[{"e":"hooked"}]}');
});

test('nesting past 64 levels is refused as malformed JSON; 100,000 levels overflow no stack', () => {
  assertAsJsonParse(`${'['.repeat(64)}${']'.repeat(64)}`);
  for (const depth of [65, 100_000]) {
    for (const text of [`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]) {
      assert.throws(() => parse(text), (err: unknown) => err instanceof MalformedJson && /nested deeper than 64/.test(err.message));
    }
  }
});

test('what JSON.parse refuses is refused as MalformedJson, naming the byte', () => {
  for (const text of ['{"a":1,}', '[1,]', '{"a":NaN}', '{"a":-}', '{"a":01}', '{"a":.5}', '{"a":"\t"}', '{"a":"\\x"}', '{"a":"\\u12"}',
    "{'a':1}", '{"a":1}}', '{"a" 1}', '{"a":tru}', '{"a":truee}', '\f{}', '{"a":1e}', '{"a":+1}', '{"a":"x', '{"a":[1 2]}']) {
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    assert.throws(() => parse(text), (err: unknown) => err instanceof MalformedJson && /^malformed JSON at byte \d+: /.test(err.message), text);
  }
});
