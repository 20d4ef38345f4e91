// A file delete is housekeeping: it is retried through transient faults like any call, but for at most
// a minute, even within run's 30-minute budget (a file left behind costs storage, never a wrong row).
// A server that asks for a wait past the minute ends the delete at once, naming the minute, while any
// other call of the same client waits as asked; a budget under a minute stays as it is.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { BatchApi } from '../src/batch/api.js';
import { RUN_RETRY_FOR_MS } from '../src/batch/api-retry.js';
import { fakeOpenAI } from './helpers/batch.js';

async function setup(t: TestContext, retryForMs: number) {
  const server = await fakeOpenAI(t);
  const lines: string[] = [];
  const controller = new AbortController();
  const api = new BatchApi(new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 }),
    { retryForMs, backoffBaseMs: 10, log: (l) => lines.push(l), signal: controller.signal });
  const file = await api.client.files.create({ file: await toFile(Buffer.from('{}\n'), 'left-behind.jsonl'), purpose: 'batch' });
  return { server, api, lines, controller, file };
}

// Without the cap the delete would wait out the 61 s: the timeout fails the test sooner.
test('a delete gives up past a minute of retries, within run\'s 30-minute budget; another call waits as asked', { timeout: 20_000 }, async (t) => {
  const { server, api, lines, controller, file } = await setup(t, RUN_RETRY_FOR_MS);
  const deletes = () => server.state.requests.filter((q) => q.method === 'DELETE' && q.path === `/v1/files/${file.id}`).length;

  // Transient faults within the minute are waited out.
  server.state.failNextRequests(2, (q) => q.method === 'DELETE', { status: 503, retryAfterMs: 5 });
  server.state.failNextRequests(1, (q) => q.method === 'DELETE', { status: 429, retryAfterMs: 5 });
  // The 61 s wait asked next would pass the minute: the delete stops there.
  server.state.failNextRequests(1, (q) => q.method === 'DELETE', { status: 503, retryAfterMs: 61_000 });
  const started = Date.now();
  await assert.rejects(api.deleteFile(file.id), /cannot delete file \S+: 503 .*\(gave up after 4 tries in \d+ ms; --retry-for is 60\.0 s\)/);
  assert.ok(Date.now() - started < 5000, 'no 61 s wait');
  assert.equal(deletes(), 4);
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.ok(server.state.files.has(file.id), 'the file is still there');

  // The same client's other calls keep run's budget: the same 61 s is waited (until the test stops it).
  server.state.failNextRequests(1, (q) => q.method === 'GET' && q.path === '/v1/batches', { status: 503, retryAfterMs: 61_000 });
  const listing = (async () => { for await (const _ of api.listBatches()); })();
  const waiting = /^list batches: HTTP 503 .*; trying again in 61\.0 s \(as the server asked\) \[request id req_\w+\]$/;
  for (const deadline = Date.now() + 5000; !lines.some((l) => waiting.test(l));) {
    assert.ok(Date.now() < deadline, `no 61 s wait said: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  controller.abort(new Error('the test has seen the wait'));
  await assert.rejects(listing, /the test has seen the wait/);
});

test('a budget under a minute is the delete\'s budget too', async (t) => {
  const { server, api, file } = await setup(t, 5000);
  server.state.failNextRequests(1, (q) => q.method === 'DELETE', { status: 500, retryAfterMs: 6000 });
  await assert.rejects(api.deleteFile(file.id), /cannot delete file \S+: 500 .*\(gave up after 1 try in \d+ ms; --retry-for is 5\.0 s\)/);
});
