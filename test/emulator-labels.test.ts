// Nothing the emulator serves passes for a model's output: every answer (errors and injected faults
// included) carries the x-vecfill-emulator header, every batch, file and result line the
// vecfill_emulator field, and the files a batch writes are named *.emulated.jsonl. The result's
// `model` stays the one asked for, as a client reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { startEmulator } from '../src/emulator/index.js';

test('every answer, batch, file and result line is labelled as emulated', async (t) => {
  const emulator = await startEmulator({ markers: { refuse: 'NOPE' } });
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'sk-any', baseURL: emulator.baseURL, maxRetries: 0 });
  const lines = ['good text', 'NOPE text'].map((input, i) =>
    JSON.stringify({ custom_id: `r${i}`, method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-large', input, dimensions: 8 } }));
  const upload = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(lines.join('\n')), 'mine.jsonl') });
  let batch = await client.batches.create({ input_file_id: upload.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  while (batch.status !== 'completed') batch = await client.batches.retrieve(batch.id);

  const label = (o: object) => (o as Record<string, unknown>).vecfill_emulator;
  assert.equal(label(batch), true);
  assert.equal(label(upload), true);
  assert.deepEqual((await client.batches.list()).data.map(label), [true]);
  const files = (await client.files.list()).data;
  assert.deepEqual(files.map((f) => [f.filename, label(f)]).sort(), [
    [`${batch.id}_error.emulated.jsonl`, true], [`${batch.id}_output.emulated.jsonl`, true], ['mine.jsonl', true]]);

  const download = async (id: string) => (await (await client.files.content(id)).text()).trim().split('\n').map((l) => JSON.parse(l));
  const [output] = await download(batch.output_file_id!);
  const [error] = await download(batch.error_file_id!);
  assert.deepEqual([label(output), label(error)], [true, true]);
  assert.equal(output.response.body.model, 'text-embedding-3-large');
  assert.match(error.response.body.error.message, /refused by the vecfill emulator/);

  const headers = async (path: string, init: RequestInit = {}) => (await fetch(`${emulator.baseURL}${path}`, { headers: { authorization: 'Bearer sk-any' }, ...init })).headers;
  const answers = [
    await headers('/files'),
    await headers(`/files/${batch.output_file_id}/content`),
    await (emulator.state.flaky.failNext(1, undefined, { status: 503 }), headers('/files')),
    await headers('/batches/batch_missing'), // 404
    await headers('/files', { headers: {} }), // 401: no key
    await headers('/nowhere'),
  ];
  assert.deepEqual(answers.map((h) => h.get('x-vecfill-emulator')), Array(answers.length).fill('1'));
  assert.deepEqual(emulator.state.requests.slice(-answers.length).map((r) => r.status), [200, 200, 503, 404, 401, 404]);
});
