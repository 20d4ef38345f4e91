// The emulator's Files + Batches API, driven through the official SDK the way vecfill drives the real
// one. Each test is one scenario the other tests (and vecfill emulate's users) rely on.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import OpenAI, { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { emulatedEmbedding, formatFloat32, startEmulator, type EmulatorOptions } from '../src/emulator/index.js';

const SMALL = 'text-embedding-3-small';

async function setup(t: TestContext, options: EmulatorOptions = {}, maxRetries = 0) {
  const server = await startEmulator(options);
  t.after(() => server.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: server.baseURL, maxRetries });
  return { server, client };
}

function requestLine(customId: string, input: string | string[], body: Record<string, unknown> = {}): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/embeddings', body: { model: SMALL, input, ...body } });
}

/** Lines "row-1" … "row-n" with distinct texts. */
function rows(n: number, body: Record<string, unknown> = {}): { lines: string[]; texts: Map<string, string> } {
  const texts = new Map(Array.from({ length: n }, (_, i) => [`row-${i + 1}`, `text number ${i + 1}`] as const));
  return { lines: [...texts].map(([id, text]) => requestLine(id, text, body)), texts };
}

async function submit(client: OpenAI, lines: string[], metadata?: Record<string, string>): Promise<Batch> {
  const file = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'requests.jsonl') });
  return client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h', metadata });
}

const FINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Retrieves until the batch is final; returns it and the distinct statuses seen on the way. */
async function pollToEnd(client: OpenAI, created: Batch): Promise<{ batch: Batch; seen: string[] }> {
  const seen = [created.status];
  for (let i = 0; i < 50; i++) {
    const batch = await client.batches.retrieve(created.id);
    if (seen.at(-1) !== batch.status) seen.push(batch.status);
    if (FINAL.has(batch.status)) return { batch, seen };
  }
  throw new Error(`batch ${created.id} never finished`);
}

interface ResultLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: any } | null;
  error: { code: string; message: string } | null;
}

async function download(client: OpenAI, fileId: string | null | undefined): Promise<ResultLine[]> {
  assert.ok(fileId, 'expected a file id');
  const text = await (await client.files.content(fileId)).text();
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ResultLine);
}

function float32FromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

test('a batch goes validating → in_progress → finalizing → completed and returns every vector exactly', async (t) => {
  const { server, client } = await setup(t);
  const { lines, texts } = rows(20);
  const dir = await mkdtemp(join(tmpdir(), 'vecfill-emulator-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'requests.jsonl'), lines.join('\n') + '\n');

  const file = await client.files.create({ purpose: 'batch', file: createReadStream(join(dir, 'requests.jsonl')) });
  assert.equal(file.filename, 'requests.jsonl');
  assert.equal(server.state.fileText(file.id), lines.join('\n') + '\n');
  const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  const { batch, seen } = await pollToEnd(client, created);

  assert.deepEqual(seen, ['validating', 'in_progress', 'finalizing', 'completed']);
  assert.deepEqual(batch.request_counts, { total: 20, completed: 20, failed: 0 });
  assert.equal(batch.error_file_id, null);
  const response = await client.files.content(batch.output_file_id!);
  assert.equal(response.headers.get('content-type'), 'application/octet-stream');
  const chunks: Buffer[] = [];
  for await (const chunk of response.body!) chunks.push(Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString('utf8');
  const output = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ResultLine);

  assert.deepEqual(output.map((l) => l.custom_id).sort(), [...texts.keys()].sort());
  assert.notDeepEqual(output.map((l) => l.custom_id), [...texts.keys()], 'output order must not be input order');
  for (const line of output) {
    const { body } = line.response!;
    assert.equal(line.response!.status_code, 200);
    assert.deepEqual(Float32Array.from(body.data[0].embedding), emulatedEmbedding(texts.get(line.custom_id)!, 1536));
    assert.deepEqual(body.usage, { prompt_tokens: 3, total_tokens: 3 });
  }
  // Written as Python writes JSON, with each value in its shortest float32 form.
  const first = output[0];
  const firstValue = formatFloat32(emulatedEmbedding(texts.get(first.custom_id)!, 1536)[0]);
  assert.ok(text.startsWith(`{"id": "${first.id}", "custom_id": "${first.custom_id}", "response": {"status_code": 200`));
  assert.ok(text.includes(`"embedding": [${firstValue}, `));
  assert.deepEqual([...server.state.apiKeys], ['test']);
});

test('base64 output is the little-endian float32 bytes, at the requested dimensions', async (t) => {
  const { client } = await setup(t);
  const { lines, texts } = rows(4, { encoding_format: 'base64', dimensions: 256 });
  const { batch } = await pollToEnd(client, await submit(client, lines));

  const output = await download(client, batch.output_file_id);
  assert.equal(output.length, 4);
  for (const line of output) {
    const embedding = line.response!.body.data[0].embedding;
    assert.equal(typeof embedding, 'string');
    assert.deepEqual(float32FromBase64(embedding), emulatedEmbedding(texts.get(line.custom_id)!, 256));
  }
});

test('each model answers with its default dimension unless told otherwise', async (t) => {
  const { client } = await setup(t);
  const large = await submit(client, [JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-large', input: 'hello' } })]);
  const ada = await submit(client, [
    JSON.stringify({ custom_id: 'b', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-ada-002', input: 'hello' } }),
    JSON.stringify({ custom_id: 'c', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-ada-002', input: 'hello', dimensions: 512 } }),
  ]);

  const [largeOut] = await download(client, (await pollToEnd(client, large)).batch.output_file_id);
  assert.equal(largeOut.response!.body.data[0].embedding.length, 3072);
  const adaBatch = (await pollToEnd(client, ada)).batch;
  const [adaOut] = await download(client, adaBatch.output_file_id);
  assert.equal(adaOut.response!.body.data[0].embedding.length, 1536);
  const [adaError] = await download(client, adaBatch.error_file_id);
  assert.equal(adaError.custom_id, 'c');
  assert.equal(adaError.response!.status_code, 400);
});

test('refused, rate-limited and server-error requests go to the error file with their HTTP status', async (t) => {
  const { client } = await setup(t);
  const lines = [
    requestLine('ok-1', 'fine text'),
    requestLine('refused', 'please REFUSE me'),
    requestLine('limited', 'RATELIMIT here'),
    requestLine('broken', 'SERVERERR here'),
    requestLine('ok-2', 'more fine text'),
  ];
  const { batch } = await pollToEnd(client, await submit(client, lines));

  assert.equal(batch.status, 'completed');
  assert.deepEqual(batch.request_counts, { total: 5, completed: 2, failed: 3 });
  assert.deepEqual((await download(client, batch.output_file_id)).map((l) => l.custom_id).sort(), ['ok-1', 'ok-2']);
  const errors = new Map((await download(client, batch.error_file_id)).map((l) => [l.custom_id, l]));
  assert.deepEqual([...errors.keys()].sort(), ['broken', 'limited', 'refused']);
  assert.equal(errors.get('refused')!.response!.status_code, 400);
  assert.equal(errors.get('refused')!.response!.body.error.type, 'invalid_request_error');
  assert.equal(errors.get('limited')!.response!.status_code, 429);
  assert.equal(errors.get('broken')!.response!.status_code, 500);
  assert.ok([...errors.values()].every((l) => l.error === null && l.id.startsWith('batch_req_')));
});

test('a completed batch whose every request failed has an error file and no output file', async (t) => {
  const { client } = await setup(t);
  const { batch } = await pollToEnd(client, await submit(client, [requestLine('a', 'REFUSE'), requestLine('b', 'REFUSE too')]));

  assert.equal(batch.status, 'completed');
  assert.equal(batch.output_file_id, null);
  assert.equal((await download(client, batch.error_file_id)).length, 2);
});

test('bad lines fail the batch at validation, naming each line', async (t) => {
  const { client } = await setup(t);
  const lines = [
    requestLine('good', 'fine'),
    '{not json',
    JSON.stringify({ method: 'POST', url: '/v1/embeddings', body: { model: SMALL, input: 'x' } }),
    JSON.stringify({ custom_id: 'chat', method: 'POST', url: '/v1/chat/completions', body: { model: SMALL, input: 'x' } }),
    requestLine('good', 'duplicate id'),
  ];
  const { batch, seen } = await pollToEnd(client, await submit(client, lines));

  assert.deepEqual(seen, ['validating', 'failed']);
  assert.ok(batch.failed_at);
  assert.equal(batch.output_file_id, null);
  assert.equal(batch.error_file_id, null);
  assert.deepEqual(
    batch.errors!.data!.map((e) => [e.line, e.code]),
    [[2, 'invalid_json_line'], [3, 'missing_required_parameter'], [4, 'invalid_url'], [5, 'duplicate_custom_id']],
  );
});

test('an empty input file fails validation', async (t) => {
  const { client } = await setup(t);
  const file = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.alloc(0), 'empty.jsonl') });
  const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  const { batch } = await pollToEnd(client, created);

  assert.equal(batch.status, 'failed');
  assert.equal(batch.errors!.data![0].code, 'empty_file');
});

test('an expiring batch keeps its partial output and reports the rest as batch_expired', async (t) => {
  const { client } = await setup(t, { expireBatches: [0] });
  const { lines, texts } = rows(10);
  const { batch, seen } = await pollToEnd(client, await submit(client, lines));
  const second = await pollToEnd(client, await submit(client, rows(2).lines));

  assert.deepEqual(seen, ['validating', 'in_progress', 'expired']);
  assert.ok(batch.expired_at);
  assert.equal(second.batch.status, 'completed', 'only the first batch expires');
  const output = await download(client, batch.output_file_id);
  const errors = await download(client, batch.error_file_id);
  assert.equal(output.length, 5);
  for (const line of output) {
    assert.deepEqual(Float32Array.from(line.response!.body.data[0].embedding), emulatedEmbedding(texts.get(line.custom_id)!, 1536));
  }
  assert.equal(errors.length, 5);
  for (const line of errors) {
    assert.equal(line.response, null);
    assert.equal(line.error!.code, 'batch_expired');
  }
  assert.deepEqual([...output, ...errors].map((l) => l.custom_id).sort(), [...texts.keys()].sort());
  assert.deepEqual(batch.request_counts, { total: 10, completed: 5, failed: 0 });
});

test('cancel moves a running batch through cancelling to cancelled, with partial output', async (t) => {
  const { client } = await setup(t);
  const { lines, texts } = rows(8);
  const created = await submit(client, lines);
  assert.equal((await client.batches.retrieve(created.id)).status, 'in_progress');

  const cancelling = await client.batches.cancel(created.id);
  assert.equal(cancelling.status, 'cancelling');
  assert.ok(cancelling.cancelling_at);
  const { batch } = await pollToEnd(client, cancelling);

  assert.equal(batch.status, 'cancelled');
  assert.ok(batch.cancelled_at);
  const output = await download(client, batch.output_file_id);
  const errors = await download(client, batch.error_file_id);
  assert.equal(output.length, 4);
  assert.ok(errors.every((l) => l.response === null && l.error!.code === 'batch_cancelled'));
  assert.deepEqual([...output, ...errors].map((l) => l.custom_id).sort(), [...texts.keys()].sort());
  await assert.rejects(client.batches.cancel(created.id), OpenAI.ConflictError);
});

test('a batch over the enqueued token limit fails with token_limit_exceeded; later ones fit again', async (t) => {
  const { server, client } = await setup(t, { enqueuedTokenLimit: 10 });
  const threeWords = (id: string) => requestLine(id, 'one two three');
  const first = await submit(client, [threeWords('a1'), threeWords('a2')]); // 6 tokens enqueued
  const second = await submit(client, [threeWords('b1'), threeWords('b2')]); // 6 more: 12 > 10

  const { batch: failed } = await pollToEnd(client, second);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.errors!.data![0].code, 'token_limit_exceeded');
  assert.match(failed.errors!.data![0].message!, /^Enqueued token limit reached for text-embedding-3-small /);

  server.state.advanceAll(); // the first batch completes and frees its tokens
  assert.equal(server.state.batches.get(first.id)!.status, 'completed');
  const third = await pollToEnd(client, await submit(client, [threeWords('c1'), threeWords('c2')]));
  assert.equal(third.batch.status, 'completed');
});

test('injected HTTP 500s are retried by the SDK and the round trip still succeeds', async (t) => {
  const { server, client } = await setup(t, { flaky: { every: 2 } }, 2);
  const { lines, texts } = rows(3);
  const { batch } = await pollToEnd(client, await submit(client, lines));
  const output = await download(client, batch.output_file_id);

  assert.equal(output.length, texts.size);
  const log = server.state.requests;
  const failures = log.filter((r) => r.status === 500);
  assert.ok(failures.length >= 4, `expected several injected 500s, saw ${failures.length}`);
  for (const failure of failures) {
    const retry = log[failure.index]; // the request right after it
    assert.deepEqual([retry.method, retry.path, retry.status], [failure.method, failure.path, 200]);
  }
});

test('without retries an injected 500 reaches the caller', async (t) => {
  const { server, client } = await setup(t, { flaky: (r) => r.method === 'GET' && r.path === '/v1/files' });
  await assert.rejects(client.files.list(), OpenAI.InternalServerError);

  server.state.failNextRequests(1, (r) => r.path === '/v1/batches');
  await assert.rejects(client.batches.list(), OpenAI.InternalServerError);
  assert.equal((await client.batches.list()).data.length, 0);
});

test('batches.list pages newest first with cursors and keeps metadata', async (t) => {
  const { server, client } = await setup(t);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await submit(client, rows(1).lines, { run: 'r1', n: String(i) })).id);
  const newestFirst = ids.slice().reverse();

  const page = await client.batches.list({ limit: 2 });
  assert.deepEqual(page.data.map((b) => b.id), newestFirst.slice(0, 2));
  assert.equal(page.has_more, true);
  const next = await page.getNextPage();
  assert.deepEqual(next.data.map((b) => b.id), newestFirst.slice(2, 4));
  assert.ok(server.state.requests.some((r) => r.query === `?limit=2&after=${newestFirst[1]}`));

  const all: Batch[] = [];
  for await (const b of client.batches.list({ limit: 2 })) all.push(b);
  assert.deepEqual(all.map((b) => b.id), newestFirst);
  assert.deepEqual(all.map((b) => b.metadata), newestFirst.map((_, i) => ({ run: 'r1', n: String(4 - i) })));
});

test('files.delete removes a file for good', async (t) => {
  const { server, client } = await setup(t);
  const file = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(rows(1).lines[0] + '\n'), 'one.jsonl') });

  assert.deepEqual(await client.files.delete(file.id), { id: file.id, object: 'file', deleted: true });
  await assert.rejects(client.files.retrieve(file.id), OpenAI.NotFoundError);
  await assert.rejects(client.files.delete(file.id), OpenAI.NotFoundError);
  assert.deepEqual((await client.files.list()).data, []);
  assert.ok(server.state.deletedFileIds.has(file.id));
});

test('batch uploads must be .jsonl files, and batches are made from files of purpose batch only', async (t) => {
  const { client } = await setup(t);
  const line = Buffer.from(rows(1).lines[0] + '\n');
  await assert.rejects(client.files.create({ purpose: 'batch', file: await toFile(line, 'a.json') }), OpenAI.BadRequestError);
  const tuning = await client.files.create({ purpose: 'fine-tune', file: await toFile(line, 'a.jsonl') });
  await assert.rejects(client.batches.create({ input_file_id: tuning.id, endpoint: '/v1/embeddings', completion_window: '24h' }), /must have purpose 'batch'/);
});

test('requests need a bearer key; the key is recorded but never logged', async (t) => {
  const { server } = await setup(t, { apiKey: 'sk-right' });
  const bare = await fetch(`${server.baseURL}/batches`);
  assert.equal(bare.status, 401);

  const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: server.baseURL, maxRetries: 0 });
  await assert.rejects(wrong.batches.list(), OpenAI.AuthenticationError);
  const right = new OpenAI({ apiKey: 'sk-right', baseURL: server.baseURL, maxRetries: 0 });
  await right.batches.list();

  assert.deepEqual([...server.state.apiKeys].sort(), ['sk-right', 'sk-wrong']);
  assert.ok(!JSON.stringify(server.state.requests).includes('sk-'));
});

test('with autoAdvance off batches move only by state controls, steps per state as configured', async (t) => {
  const { server, client } = await setup(t, { autoAdvance: false, steps: { in_progress: 3 } });
  const created = await submit(client, rows(2).lines);
  assert.equal((await client.batches.retrieve(created.id)).status, 'validating');

  assert.equal(server.state.advance(created.id).status, 'in_progress');
  assert.equal(server.state.advance(created.id, 2).status, 'in_progress');
  assert.equal(server.state.advance(created.id).status, 'finalizing');
  server.state.advanceAll();
  assert.equal((await client.batches.retrieve(created.id)).status, 'completed');
});

test('state.failBatch fails a running batch with the given error', async (t) => {
  const { server, client } = await setup(t);
  const created = await submit(client, rows(2).lines);
  server.state.failBatch(created.id, { code: 'internal_error', message: 'boom' });

  const batch = await client.batches.retrieve(created.id);
  assert.equal(batch.status, 'failed');
  assert.deepEqual(batch.errors!.data, [{ code: 'internal_error', message: 'boom', param: null, line: null }]);
});

test('formatFloat32 prints the shortest decimal that reads back as the same float32, Python style', () => {
  assert.equal(formatFloat32(Math.fround(-5.3660897e-5)), '-5.3660897e-05');
  assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
  assert.equal(formatFloat32(Math.fround(0.00012)), '0.00012');
  assert.equal(formatFloat32(1), '1.0');
  assert.equal(formatFloat32(2 ** -20), '9.536743e-07');
  // Against the plain definition: fewest digits (1..9) that round-trip through Math.fround.
  const plain = (f: number) => {
    for (let digits = 1; ; digits++) if (Math.fround(Number(f.toPrecision(digits))) === f) return Number(f.toPrecision(digits));
  };
  // Floats of every magnitude the API prints, from a seeded generator (the same ones on every run).
  let state = 0x2545f491;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 4096; i++) {
    const f = Math.fround((next() * 2 - 1) * 10 ** Math.floor(next() * 12 - 8));
    if (f === 0) continue;
    const printed = formatFloat32(f);
    assert.equal(Math.fround(Number(printed)), f);
    assert.equal(Number(printed), plain(f));
  }
});

/** Awaits the call and returns the API error it failed with (the test fails if it succeeded). */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof OpenAI.APIError, `an API error, not ${String(err)}`);
    return err;
  }
  throw new assert.AssertionError({ message: 'the call succeeded' });
}

test('faults.rate answers before handling: 500s, and 429s with retry-after-ms and retry-after; all counted', async (t) => {
  const { server, client } = await setup(t, { faults: { rate: 1, retryAfterMs: 1500 } });
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const err = await failure(client.batches.create({ input_file_id: 'file-x', endpoint: '/v1/embeddings', completion_window: '24h' }));
    statuses.push(err.status!);
    if (err.status === 429) {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.code, 'rate_limit_exceeded');
      assert.equal(err.headers?.get('retry-after-ms'), '1500');
      assert.equal(err.headers?.get('retry-after'), '2', 'whole seconds, rounded up');
    } else {
      assert.ok(err instanceof OpenAI.InternalServerError, `status ${err.status}`);
      assert.equal(err.type, 'server_error');
      assert.equal(err.headers?.get('retry-after'), null);
    }
  }
  assert.ok(statuses.includes(500) && statuses.includes(429), `both kinds: ${statuses.join(' ')}`);
  assert.equal(server.state.batches.size, 0, 'no request was handled');
  assert.deepEqual(server.state.faults, {
    errors500: statuses.filter((s) => s === 500).length, errors429: statuses.filter((s) => s === 429).length, cutDownloads: 0, dropped: 0,
  });
  assert.ok(server.state.requests.every((r) => r.injected === 'error'));
});

test('faults are reproducible: the same seed fails the same requests, another seed others', async (t) => {
  const pattern = async (options: EmulatorOptions) => {
    const { server, client } = await setup(t, options);
    for (let i = 0; i < 60; i++) await client.files.list().catch(() => {});
    return server.state.requests.map((r) => r.status);
  };
  const seven = await pattern({ faults: { seed: 7, rate: 0.3 } });
  assert.deepEqual(await pattern({ faults: { seed: 7, rate: 0.3 } }), seven);
  assert.deepEqual(await pattern({ seed: 7, faults: { rate: 0.3 } }), seven, 'the default seed is the server\'s');
  assert.notDeepEqual(await pattern({ faults: { seed: 8, rate: 0.3 } }), seven);
  const failed = seven.filter((s) => s !== 200);
  assert.ok(failed.length >= 9 && failed.length <= 27, `about 30% of 60 fail: ${failed.length}`);
  assert.ok(failed.includes(500) && failed.includes(429), seven.join(' '));
});

test('a cut download: content-length of the whole file, some bytes, then an error on the client', async (t) => {
  const { server, client } = await setup(t);
  const { lines } = rows(2000); // ~200 KB: several chunks
  const content = Buffer.from(lines.join('\n') + '\n');
  const file = await client.files.create({ purpose: 'batch', file: await toFile(content, 'big.jsonl') });
  server.state.flaky.failNext(1, (r) => r.path === `/v1/files/${file.id}/content`, { cut: true });

  const response = await client.files.content(file.id);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-length'), String(content.length));
  let received = 0;
  await assert.rejects(async () => {
    for await (const chunk of response.body!) received += chunk.length;
  }, /terminated/, 'the body ends in an error (undici: "terminated", the other side closed)');
  assert.ok(received > 0 && received < content.length, `${received} of ${content.length} bytes`);
  const cut = server.state.requests.at(-1)!;
  assert.deepEqual([cut.status, cut.injected], [200, 'cut']);
  assert.equal(server.state.faults.cutDownloads, 1);

  const whole = Buffer.from(await (await client.files.content(file.id)).arrayBuffer());
  assert.ok(whole.equals(content), 'the next download is whole');
});

test('faults.cutDownloads cuts that share of downloads and nothing else', async (t) => {
  const { server, client } = await setup(t, { faults: { cutDownloads: 0.5, seed: 3 } });
  const file = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(rows(500).lines.join('\n')), 'a.jsonl') });
  let broken = 0;
  for (let i = 0; i < 20; i++) {
    const ok = await client.files.content(file.id).then((r) => r.arrayBuffer()).then(() => true, () => false);
    if (!ok) broken++;
  }
  assert.ok(broken >= 4 && broken <= 16, `about half of 20 downloads cut: ${broken}`);
  for (let i = 0; i < 4; i++) await assert.rejects(client.files.content('file-missing'), OpenAI.NotFoundError, 'an error goes whole');
  assert.equal(server.state.faults.cutDownloads, broken);
  assert.deepEqual(server.state.requests.filter((r) => r.injected).map((r) => r.path), Array(broken).fill(`/v1/files/${file.id}/content`));
});

test('failNext drop after a batch create: the client sees a lost connection, the batch exists', async (t) => {
  const { server, client } = await setup(t);
  server.state.flaky.failNext(1, (r) => r.method === 'POST' && r.path === '/v1/batches', { after: 'drop' });
  await assert.rejects(submit(client, rows(2).lines), OpenAI.APIConnectionError);

  const listed = await client.batches.list();
  assert.equal(listed.data.length, 1, 'the server acted before the connection was lost');
  const dropped = server.state.requests.find((r) => r.injected === 'drop')!;
  assert.deepEqual([dropped.method, dropped.path, dropped.status], ['POST', '/v1/batches', 0]);
  assert.equal(server.state.faults.dropped, 1);
});

test('failNext errors: any status, before handling or after it, with the retry headers asked for', async (t) => {
  const { server, client } = await setup(t);
  const upload = async () => client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(rows(1).lines[0] + '\n'), 'one.jsonl') });
  const uploads = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/v1/files';

  server.state.flaky.failNext(1, uploads, { status: 400 });
  await assert.rejects(upload(), OpenAI.BadRequestError);
  assert.equal(server.state.files.size, 0, 'an error before handling stores nothing');

  server.state.flaky.failNext(1, uploads, { status: 502, after: 'reply' });
  const bad = await failure(upload());
  assert.equal(bad.status, 502);
  assert.equal(server.state.files.size, 1, 'an error after handling: the file was stored');

  // Two asked for, two answered, each with the retry headers; the request after them is handled.
  // (What a client does with the headers is the client's: vecfill's retries have tests of their own.)
  server.state.flaky.failNext(2, uploads, { status: 429, retryAfterMs: 300 });
  for (let k = 1; k <= 2; k++) {
    const limited = await failure(upload());
    assert.ok(limited instanceof OpenAI.RateLimitError, `429 number ${k}`);
    assert.deepEqual([limited.headers?.get('retry-after-ms'), limited.headers?.get('retry-after')], ['300', '1'], `429 number ${k}`);
  }
  await upload();
  assert.equal(server.state.files.size, 2, 'the upload after the two 429s is stored');

  for (const status of [401, 404, 408, 409]) {
    server.state.flaky.failNext(1, undefined, { status });
    assert.equal((await failure(client.batches.list())).status, status);
  }
  assert.deepEqual(server.state.requests.filter((r) => r.injected).map((r) => r.status), [400, 502, 429, 429, 401, 404, 408, 409]);
  assert.deepEqual(server.state.faults, { errors500: 0, errors429: 2, cutDownloads: 0, dropped: 0 });
});
