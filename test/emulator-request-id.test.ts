// Every answer of the emulator carries its own x-request-id, as OpenAI's do: a success (the SDK's
// `_request_id`), an error (`err.requestID`), a refused key, an injected fault, a file download. Each
// is the id the request log holds for that request, unique, and the same on every run of a seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { startEmulator } from '../src/emulator/index.js';
import { embeddingLine } from './helpers/emulator-client.js';

const REQUEST_ID = /^req_[0-9a-f]{32}$/;

test('every answer carries an x-request-id: successes, errors, injected faults, downloads', async (t) => {
  const emulator = await startEmulator({ apiKey: 'sk-right' });
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'sk-right', baseURL: emulator.baseURL, maxRetries: 0 });
  const fails = (p: Promise<unknown>) => p.then(() => assert.fail('expected an error'), (e: InstanceType<typeof OpenAI.APIError>) => e);
  const sent: string[] = [];

  const file = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(embeddingLine('1', 'one') + '\n'), 'in.jsonl') });
  sent.push(file._request_id!);
  sent.push((await client.batches.list().withResponse()).request_id!); // a page has no _request_id
  sent.push((await client.files.content(file.id)).headers.get('x-request-id')!);
  sent.push((await fails(client.batches.retrieve('batch_nope'))).requestID!);
  sent.push((await fails(new OpenAI({ apiKey: 'sk-wrong', baseURL: emulator.baseURL, maxRetries: 0 }).files.list())).requestID!);
  emulator.state.flaky.failNext(1, undefined, { status: 500 });
  sent.push((await fails(client.files.list())).requestID!);
  emulator.state.flaky.failNext(1, undefined, { status: 429, after: 'reply' });
  sent.push((await fails(client.files.list())).requestID!);

  for (const id of sent) assert.match(id ?? 'none', REQUEST_ID);
  assert.equal(new Set(sent).size, sent.length, 'each answer its own');
  assert.deepEqual(sent, emulator.state.requests.map((r) => r.requestId), 'the ids of the request log, in order');
});

test('the request ids follow from the seed, and shift no other id', async (t) => {
  const ids = async (seed: number) => {
    const emulator = await startEmulator({ seed });
    t.after(() => emulator.close());
    const client = new OpenAI({ apiKey: 'k', baseURL: emulator.baseURL, maxRetries: 0 });
    const file = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(embeddingLine('1', 'one') + '\n'), 'in.jsonl') });
    return [file.id, file._request_id];
  };
  const [a, b, c] = [await ids(7), await ids(7), await ids(8)];
  assert.deepEqual(a, b);
  assert.notEqual(a[1], c[1]);
});
