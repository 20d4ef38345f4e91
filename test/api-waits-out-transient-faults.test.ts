// Every API call waits out what passes with time (429 with Retry-After, 500, a dropped connection, a
// download cut half-way) within its budget, one log line per wait; an upload is sent again from the
// file itself; what stays (401, 404, 400, an exhausted quota) fails at once, on the first answer.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test, type TestContext } from 'node:test';
import OpenAI from 'openai';
import { BatchApi } from '../src/batch/api.js';
import { TransientError, transientReason } from '../src/batch/api-retry.js';
import { fakeOpenAI } from './helpers/batch.js';
import { tempDir, writeLines } from './helpers/files.js';
import type { OpenAIServer } from './helpers/openai-server.js';

async function setup(t: TestContext, retryForMs = 10_000) {
  const server = await fakeOpenAI(t);
  const lines: string[] = [];
  const api = new BatchApi(new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 }), { retryForMs, log: (l) => lines.push(l) });
  const dir = await tempDir();
  t.after(dir.cleanup);
  const file = await writeLines(dir.path('requests.jsonl'), ['one', 'two', 'three'].map((text, i) =>
    JSON.stringify({ custom_id: String(i + 1), method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: text } })));
  return { server, api, lines, file };
}

const hits = (server: OpenAIServer, method: string, path: RegExp) => server.state.requests.filter((q) => q.method === method && path.test(q.path));

test('a 429 is waited out as long as Retry-After asks', async (t) => {
  const { server, api, lines, file } = await setup(t);
  const uploaded = await api.upload(file);
  server.state.failNextRequests(1, (q) => q.path === '/v1/files/' + uploaded.id, { status: 429, retryAfterMs: 400 });
  const started = Date.now();
  const got = await api.client.files.retrieve(uploaded.id).catch(() => null); // the SDK alone: no retry
  assert.equal(got, null, 'the SDK itself does not retry (maxRetries 0)');
  server.state.failNextRequests(1, (q) => q.path.startsWith('/v1/batches'), { status: 429, retryAfterMs: 400 });
  const batch = await api.createBatch({ input_file_id: uploaded.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  assert.ok(Date.now() - started >= 400, 'waited what the server asked');
  assert.equal(server.state.batches.size, 1);
  assert.equal(batch.input_file_id, uploaded.id);
  assert.match(lines.join('\n'), /create a batch from file-\S+: HTTP 429 rate_limit_exceeded; trying again in 400 ms \(as the server asked\)/);
});

test('an upload that failed is sent again from the file, whole', async (t) => {
  const { server, api, lines, file } = await setup(t);
  server.state.failNextRequests(2, (q) => q.method === 'POST' && q.path === '/v1/files', { status: 502 });
  const uploaded = await api.upload(file);
  assert.equal(hits(server, 'POST', /^\/v1\/files$/).length, 3);
  assert.equal(server.state.fileText(uploaded.id), await readFile(file, 'utf8'), 'the stored file is the file on disk');
  assert.equal(lines.filter((l) => /upload .*requests\.jsonl: HTTP 502/.test(l)).length, 2, 'one line per wait');
});

test('a create whose answer was lost is not repeated: the batch it made is found', async (t) => {
  const { server, api, lines, file } = await setup(t);
  const uploaded = await api.upload(file);
  // The server creates the batch, then the connection drops: the client cannot know it went through.
  server.state.failNextRequests(1, (q) => q.method === 'POST' && q.path === '/v1/batches', { after: 'drop' });
  const batch = await api.createBatch({ input_file_id: uploaded.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  assert.equal(server.state.batches.size, 1, 'one batch, not two');
  assert.equal(batch.id, [...server.state.batches.keys()][0]);
  assert.equal(hits(server, 'POST', /^\/v1\/batches$/).length, 1, 'the create was not sent again');
  assert.match(lines.join('\n'), /the earlier try went through after all/);
});

test('a create that failed before it was handled is sent again', async (t) => {
  const { server, api, file } = await setup(t);
  const uploaded = await api.upload(file);
  server.state.failNextRequests(1, (q) => q.method === 'POST' && q.path === '/v1/batches', { status: 503 });
  await api.createBatch({ input_file_id: uploaded.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  assert.equal(server.state.batches.size, 1);
  assert.equal(hits(server, 'POST', /^\/v1\/batches$/).length, 2);
});

test('a download cut half-way is a transient error; its request is waited out like any call', async (t) => {
  const { server, api, file } = await setup(t);
  const uploaded = await api.upload(file);
  server.state.failNextRequests(1, (q) => q.path.endsWith('/content'), { cut: true });
  const read = async () => {
    const chunks: Uint8Array[] = [];
    for await (const c of api.download(uploaded.id)) chunks.push(c);
    return Buffer.concat(chunks).toString();
  };
  await assert.rejects(read(), (e: unknown) => e instanceof TransientError && /download of file \S+ broke off after \d+ bytes/.test((e as Error).message));
  server.state.failNextRequests(2, (q) => q.path.endsWith('/content'), { status: 500 });
  assert.equal(await read(), await readFile(file, 'utf8'));
});

for (const [status, extra] of [[401, 'check OPENAI_API_KEY'], [403, ''], [404, ''], [400, '']] as const) {
  test(`HTTP ${status} is permanent: one try, no wait`, async (t) => {
    const { server, api, lines, file } = await setup(t);
    const uploaded = await api.upload(file);
    server.state.failNextRequests(1, (q) => q.method === 'POST' && q.path === '/v1/batches', { status });
    const before = server.state.requests.length;
    await assert.rejects(api.createBatch({ input_file_id: uploaded.id, endpoint: '/v1/embeddings', completion_window: '24h' }),
      new RegExp(`cannot create a batch from ${uploaded.id}: ${status}.*${extra}`));
    assert.equal(server.state.requests.length - before, 1, 'asked once');
    assert.deepEqual(lines, []);
    assert.equal(server.state.batches.size, 0);
  });
}

test('a 429 for an exhausted quota is permanent; a rate limit passes', () => {
  const error = (code: string) => OpenAI.APIError.generate(429, { error: { message: code, code } }, undefined, new Headers());
  assert.equal(transientReason(error('insufficient_quota')), undefined);
  assert.equal(transientReason(error('billing_hard_limit_reached')), undefined);
  assert.equal(transientReason(error('rate_limit_exceeded')), 'HTTP 429 rate_limit_exceeded');
});

test('the budget: spent, the last failure is reported with how long it tried; 0 tries once', async (t) => {
  const { server, api } = await setup(t);
  server.state.failNextRequests(1000, (q) => q.path === '/v1/batches/batch_nope', { status: 500 });
  const started = Date.now();
  await assert.rejects(new BatchApi(api.client, { retryForMs: 600 }).retrieveBatch('batch_nope'),
    /cannot retrieve batch batch_nope: 500 .*\(gave up after \d+ tries in \d+ ms; --retry-for is 600 ms\)/);
  assert.ok(Date.now() - started < 2000, 'within the budget');
  const before = server.state.requests.length;
  await assert.rejects(new BatchApi(api.client, { retryForMs: 0 }).retrieveBatch('batch_nope'), /cannot retrieve batch batch_nope: 500/);
  assert.equal(server.state.requests.length - before, 1, '--retry-for 0 tries once');
});
