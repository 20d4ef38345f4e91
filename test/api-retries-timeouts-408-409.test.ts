// Besides 429, 5xx and dropped connections, the README names three more faults that pass with time and
// are tried again on any call: a request that times out (the SDK gives up waiting for an answer), HTTP
// 408 (the server timed out) and HTTP 409 (another request is changing the object). Each is waited out,
// one line on the log, and the call then succeeds.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { BatchApi } from '../src/batch/api.js';
import { fakeOpenAI } from './helpers/batch.js';

async function setup(t: TestContext, client: (baseURL: string) => OpenAI = (baseURL) => new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 })) {
  const server = await fakeOpenAI(t, { retryAfterMs: null }); // no Retry-After: the backoff decides
  const lines: string[] = [];
  const api = new BatchApi(client(server.baseURL), { retryForMs: 10_000, backoffBaseMs: 10, log: (l) => lines.push(l) });
  const line = JSON.stringify({ custom_id: '1', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'one' } });
  const file = await api.client.files.create({ file: await toFile(Buffer.from(line + '\n'), 'requests.jsonl'), purpose: 'batch' });
  const batch = await api.createBatch({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  lines.length = 0;
  return { server, api, lines, batch };
}

for (const status of [408, 409]) {
  test(`HTTP ${status} is transient: waited out, then the call succeeds`, async (t) => {
    const { server, api, lines, batch } = await setup(t);
    const asked = () => server.state.requests.filter((q) => q.path === `/v1/batches/${batch.id}`).length;
    server.state.failNextRequests(2, (q) => q.path === `/v1/batches/${batch.id}`, { status });
    const got = await api.retrieveBatch(batch.id);
    assert.equal(got.id, batch.id);
    assert.equal(asked(), 3, 'two failures, then the answer');
    assert.equal(lines.length, 2, lines.join('\n'));
    for (const l of lines) assert.match(l, new RegExp(`^retrieve batch ${batch.id}: HTTP ${status}\\b.*; trying again in \\d+ ms \\[request id req_\\w+\\]$`));
  });
}

test('a request that times out is transient: tried again, then the call succeeds', async (t) => {
  // The armed request gets no answer at all: the SDK's own timeout (200 ms) gives up on it. The others
  // go out without the SDK's signal, so that on a loaded machine only the armed one can time out.
  let armed = false;
  let calls = 0;
  const hangFirst: typeof fetch = (url, init) => {
    calls++;
    if (!armed) return fetch(url, { ...init, signal: undefined });
    armed = false;
    return new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason), { once: true }));
  };
  const { api, lines, batch } = await setup(t, (baseURL) => new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, timeout: 200, fetch: hangFirst }));
  armed = true;
  calls = 0;
  const got = await api.retrieveBatch(batch.id);
  assert.equal(got.id, batch.id);
  assert.equal(calls, 2);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], new RegExp(`^retrieve batch ${batch.id}: timed out; trying again in \\d+ ms$`));
});
