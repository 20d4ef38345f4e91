// Every failed API call names the x-request-id of the answer it failed on, which is what OpenAI
// support asks for: each retry's log line, the final error's message and its `requestId`, a download
// that broke off. A failure without an answer (a lost connection) has none, and says none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { BatchApi } from '../src/batch/api.js';
import { TransientError } from '../src/batch/api-retry.js';
import { requestIdNote } from '../src/batch/openai.js';
import { ApiError } from '../src/errors.js';
import { embeddingLine, pollToEnd, submitLines } from './helpers/emulator-client.js';
import { startOpenAIServer } from './helpers/openai-server.js';

test('retries, final errors and broken downloads name the request id they failed on', async (t) => {
  const server = await startOpenAIServer();
  t.after(() => server.close());
  const lines: string[] = [];
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
  const api = new BatchApi(client, { retryForMs: 5_000, log: (l) => lines.push(l), backoffBaseMs: 1 });
  const idOf = (path: string | RegExp, status?: number) =>
    server.state.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)) && (status === undefined || r.status === status)).map((r) => r.requestId);

  // A permanent failure: the message and the error name the id of the answer.
  const err = await api.retrieveBatch('batch_nope').catch((e) => e);
  assert.ok(err instanceof ApiError);
  const [missing] = idOf('/v1/batches/batch_nope');
  assert.match(missing, /^req_[0-9a-f]{32}$/);
  assert.equal(err.requestId, missing);
  assert.equal(err.message, `cannot retrieve batch batch_nope: 404 No batch found with id 'batch_nope'. [request id ${missing}]`);

  // A transient failure waited out: its log line names the failed answer's id.
  server.state.flaky.failNext(1, (r) => r.path === '/v1/batches', { status: 500 });
  await api.findBatch(() => false, 0);
  const [failed] = idOf('/v1/batches', 500);
  assert.match(lines.join('\n'), new RegExp(`list batches: HTTP 500 server_error; trying again in .*\\[request id ${failed}\\]$`, 'm'));

  // A download cut half-way: the error the caller waits out carries the download's id, for its line.
  const batch = await pollToEnd(client, (await submitLines(client, [embeddingLine('1', 'one')])).id);
  server.state.flaky.failNext(1, (r) => r.path.endsWith('/content'), { cut: true });
  const broke = await (async () => { for await (const _ of api.download(batch.output_file_id!)); })().catch((e) => e);
  assert.ok(broke instanceof TransientError && /broke off/.test(broke.message), String(broke));
  const [cut] = server.state.requests.filter((r) => r.injected === 'cut').map((r) => r.requestId);
  assert.equal(broke.requestId, cut);
  assert.equal(requestIdNote(broke), ` [request id ${cut}]`);

  // No answer, no id: a dropped connection says nothing of one.
  server.state.flaky.failNext(1, (r) => r.path === '/v1/batches', { after: 'drop' });
  lines.length = 0;
  await api.findBatch(() => false, 0);
  assert.match(lines.join('\n'), /list batches: connection failed/);
  assert.doesNotMatch(lines.join('\n'), /request id/);

  // Retries spent: the final error names the last answer's id.
  server.state.flaky.failNext(100, (r) => r.method === 'GET' && r.path === '/v1/batches', { status: 503 });
  const spent = await new BatchApi(client, { retryForMs: 50, backoffBaseMs: 20 }).findBatch(() => false, 0).catch((e) => e);
  assert.ok(spent instanceof ApiError && spent.retriesSpent);
  assert.equal(spent.requestId, idOf('/v1/batches', 503).at(-1));
  assert.match(spent.message, new RegExp(`\\[request id ${spent.requestId}\\] \\(gave up after`));
});
