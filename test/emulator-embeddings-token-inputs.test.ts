// Token ids are an input like text, for POST /v1/embeddings and in a batch line: an array of ids (or
// of arrays of ids) is embedded as the text it decodes to (cl100k_base), so it gets that text's
// vector, and counts as many tokens as it has ids. An input of no shape the API takes is a 400 that
// says the input is invalid, not that it is missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import OpenAI from 'openai';
import { emulatedEmbedding, startEmulator } from '../src/emulator/index.js';
import { embeddingLine, pollToEnd, resultLines, SMALL, submitLines } from './helpers/emulator-client.js';

const FOX = encode('a red fox');
const SEA = encode('The deep blue sea.');

test('token ids are embedded as the text they stand for, in a request and in a batch line', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: emulator.baseURL, maxRetries: 0 });

  const one = await client.embeddings.create({ model: SMALL, input: FOX, dimensions: 16 });
  assert.deepEqual(Float32Array.from(one.data[0].embedding), emulatedEmbedding('a red fox', 16));
  assert.deepEqual(one.usage, { prompt_tokens: FOX.length, total_tokens: FOX.length });
  const two = await client.embeddings.create({ model: SMALL, input: [FOX, SEA], dimensions: 16, encoding_format: 'float' });
  assert.deepEqual(two.data.map((d) => Float32Array.from(d.embedding)), [emulatedEmbedding('a red fox', 16), emulatedEmbedding('The deep blue sea.', 16)]);
  assert.equal(two.usage.prompt_tokens, FOX.length + SEA.length);

  const batch = await pollToEnd(client, (await submitLines(client, [embeddingLine('ids', FOX, { dimensions: 16 }), embeddingLine('arrays', [SEA, FOX], { dimensions: 16 })])).id);
  assert.deepEqual(batch.request_counts, { total: 2, completed: 2, failed: 0 });
  const out = new Map((await resultLines(client, batch.output_file_id)).map((l) => [l.custom_id, l.response.body.data.map((d: { embedding: number[] }) => Float32Array.from(d.embedding))]));
  assert.deepEqual(out.get('ids'), [emulatedEmbedding('a red fox', 16)]);
  assert.deepEqual(out.get('arrays'), [emulatedEmbedding('The deep blue sea.', 16), emulatedEmbedding('a red fox', 16)]);
});

test('an input of no shape the API takes is invalid, not missing', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: emulator.baseURL, maxRetries: 0 });
  for (const input of [[1, 'mixed'], [[]], [-1], 3.5, [1e9]]) {
    const err = await client.embeddings.create({ model: SMALL, input: input as never }).catch((e) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, `${JSON.stringify(input)}: ${err}`);
    assert.match(err.message, /^400 '\$\.input' is invalid\. Please check the API reference/, JSON.stringify(input));
  }
  const missing = await client.embeddings.create({ model: SMALL } as never).catch((e) => e);
  assert.match(missing.message, /Missing required parameter: 'input'/);
});
