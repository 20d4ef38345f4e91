// The emulator's POST /v1/embeddings, through the official SDK: the same vectors as its batches (float
// or base64, at the asked dimensions), labelled as emulated, and the API's errors for a bad request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { emulatedEmbedding, LABEL_FIELD, startEmulator } from '../src/emulator/index.js';

test('POST /v1/embeddings answers with the emulated vectors, labelled, and refuses what the API refuses', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'any', baseURL: emulator.baseURL, maxRetries: 0 });

  const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a red fox', 'the sea'], dimensions: 32, encoding_format: 'float' });
  assert.deepEqual(res.data.map((d) => Float32Array.from(d.embedding)), [emulatedEmbedding('a red fox', 32), emulatedEmbedding('the sea', 32)]);
  assert.equal((res as unknown as Record<string, unknown>)[LABEL_FIELD], true);

  // The SDK asks for base64 when no format is given, and decodes it to numbers.
  const plain = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'a red fox' });
  assert.deepEqual(Float32Array.from(plain.data[0].embedding), emulatedEmbedding('a red fox', 3072));

  await assert.rejects(client.embeddings.create({ model: 'no-such-model', input: 'x' }), (err: InstanceType<typeof OpenAI.APIError>) => err.status === 404);
  await assert.rejects(client.embeddings.create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }), /does not support specifying dimensions/);
});
