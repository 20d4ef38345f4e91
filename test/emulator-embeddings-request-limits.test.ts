// One embeddings request holds at most 2,048 inputs and 300,000 tokens across them, as the API
// enforces: past either it is a 400 in the API's words, whether sent to /v1/embeddings or as a line
// of a batch (then in the error file, the batch's other lines running as usual).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { MAX_INPUTS, MAX_REQUEST_TOKENS, startEmulator } from '../src/emulator/index.js';
import { embeddingLine, pollToEnd, resultLines, SMALL, submitLines } from './helpers/emulator-client.js';

test('more than 2,048 inputs or 300,000 tokens in one request is a 400', async (t) => {
  // Each input counts 8,000 tokens: 38 of them are 304,000.
  const emulator = await startEmulator({ countTokens: (text) => (text.startsWith('heavy') ? 8000 : 1) });
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: emulator.baseURL, maxRetries: 0 });
  assert.deepEqual([MAX_INPUTS, MAX_REQUEST_TOKENS], [2048, 300_000]);
  const fails = (p: Promise<unknown>) => p.then(() => assert.fail('expected a 400'), (e) => e as InstanceType<typeof OpenAI.BadRequestError>);

  assert.equal((await client.embeddings.create({ model: SMALL, input: Array(2048).fill('w'), dimensions: 2 })).data.length, 2048);
  const many = await fails(client.embeddings.create({ model: SMALL, input: Array(2049).fill('w'), dimensions: 2 }));
  assert.equal(many.status, 400);
  assert.match(many.message, /'\$\.input' is invalid/);

  assert.equal((await client.embeddings.create({ model: SMALL, input: Array(37).fill('heavy'), dimensions: 2 })).usage.total_tokens, 296_000);
  const heavy = await fails(client.embeddings.create({ model: SMALL, input: Array(38).fill('heavy'), dimensions: 2 }));
  assert.deepEqual([heavy.status, heavy.code, heavy.message], [400, 'max_tokens_per_request', '400 Requested 304000 tokens, max 300000 tokens per request']);

  const batch = await pollToEnd(client, (await submitLines(client, [
    embeddingLine('fine', 'w'), embeddingLine('many', Array(2049).fill('w')), embeddingLine('heavy', Array(38).fill('heavy')),
  ])).id);
  assert.deepEqual(batch.request_counts, { total: 3, completed: 1, failed: 2 });
  const errors = await resultLines(client, batch.error_file_id);
  assert.deepEqual(errors.map((l) => [l.custom_id, l.response.status_code]).sort(), [['heavy', 400], ['many', 400]]);
});
