// vecfill emulate's options for testing retry logic, seen through the official SDK: --fail-rate answers
// calls with 500s and 429s (the same calls for the same --seed), --cut-downloads cuts downloads
// half-way, --steps, --expire-batches and --enqueued-token-limit shape each batch's life.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { startEmulate } from './helpers/emulate.js';

const client = (baseURL: string) => new OpenAI({ apiKey: 'sk-any', baseURL, maxRetries: 0 });

function requests(texts: string[]): Buffer {
  const lines = texts.map((input, i) => JSON.stringify({ custom_id: `r${i}`, method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input } }));
  return Buffer.from(lines.join('\n') + '\n');
}

async function submit(api: OpenAI, texts: string[]): Promise<Batch> {
  const file = await api.files.create({ purpose: 'batch', file: await toFile(requests(texts), 'requests.jsonl') });
  return api.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
}

/** The statuses of 30 files.list calls, 200 or the error's. */
async function statuses(api: OpenAI): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 30; i++) out.push(await api.files.list().then(() => 200, (err: InstanceType<typeof OpenAI.APIError>) => err.status ?? 0));
  return out;
}

test('--fail-rate answers that share of calls with 500 or 429 (Retry-After), the same calls for the same --seed', async (t) => {
  const [a, b, c] = await Promise.all([
    startEmulate(t, ['--fail-rate', '0.5', '--seed', '4']),
    startEmulate(t, ['--fail-rate', '0.5', '--seed', '4']),
    startEmulate(t, ['--fail-rate', '0.5', '--seed', '5']),
  ]);
  const seen = await statuses(client(a.baseURL));
  assert.deepEqual(await statuses(client(b.baseURL)), seen, 'the same seed fails the same calls');
  assert.notDeepEqual(await statuses(client(c.baseURL)), seen, 'another seed, other calls');
  const failed = seen.filter((s) => s !== 200);
  assert.ok(failed.length >= 8 && failed.length <= 22, `about half of 30 fail: ${seen.join(' ')}`);
  assert.ok(failed.includes(500) && failed.includes(429) && failed.every((s) => s === 500 || s === 429), seen.join(' '));

  const answers: Response[] = [];
  while (answers.at(-1)?.status !== 429 && answers.length < 30) answers.push(await fetch(`${a.baseURL}/files`, { headers: { authorization: 'Bearer sk-any' } }));
  const limited = answers.at(-1)!;
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after-ms')) > 0 && Number(limited.headers.get('retry-after')) >= 1, 'a 429 says when to retry');
  assert.equal(limited.headers.get('x-vecfill-emulator'), '1', 'an injected error is labelled too');

  const all = await Promise.all([a, b, c].map((p) => p.stop('SIGINT')));
  assert.deepEqual(all.map((r) => r.code), [0, 0, 0]);
  const injected = all[0].stderr.split('\n').filter((line) => / \(injected\)$/.test(line));
  assert.equal(injected.length, failed.length + answers.filter((r) => !r.ok).length, all[0].stderr);
  assert.ok(injected.every((line) => /^vecfill emulate: GET \/v1\/files (500|429) \(injected\)$/.test(line)), injected.join('\n'));
});

test('--cut-downloads 1 cuts every download half-way, and nothing else', async (t) => {
  const emulator = await startEmulate(t, ['--cut-downloads', '1']);
  const api = client(emulator.baseURL);
  const content = requests(Array.from({ length: 2000 }, (_, i) => `text number ${i}`));
  const file = await api.files.create({ purpose: 'batch', file: await toFile(content, 'big.jsonl') });

  const response = await api.files.content(file.id);
  assert.equal(response.headers.get('content-length'), String(content.length));
  let received = 0;
  await assert.rejects(async () => {
    for await (const chunk of response.body!) received += chunk.length;
  }, /terminated/);
  assert.ok(received > 0 && received < content.length, `${received} of ${content.length} bytes`);

  const stopped = await emulator.stop();
  assert.equal(stopped.code, 0);
  assert.match(stopped.stderr, new RegExp(`\\nvecfill emulate: GET /v1/files/${file.id}/content 200, cut off half-way \\(injected\\)\\n`));
  assert.match(stopped.stderr, /\nvecfill emulate: POST \/v1\/files 200\n/, 'the upload went through whole');
});

test('--steps, --expire-batches and --enqueued-token-limit: each batch\'s life as the options say', async (t) => {
  const emulator = await startEmulate(t, ['--steps', '2', '--expire-batches', '2', '--enqueued-token-limit', '20']);
  const api = client(emulator.baseURL);
  const first = await submit(api, ['one two three', 'four five six']);
  const second = await submit(api, ['seven eight nine', 'ten eleven twelve']);
  const third = await submit(api, ['a b c d e f g h i j']); // 6 + 6 + 10 words > 20 in flight

  const lives: string[][] = [];
  for (const created of [first, second, third]) {
    const life = [created.status as string];
    for (let i = 0; i < 10 && !['completed', 'expired', 'failed'].includes(life.at(-1)!); i++) life.push((await api.batches.retrieve(created.id)).status);
    lives.push(life);
  }
  assert.deepEqual(lives[0], ['validating', 'validating', 'in_progress', 'in_progress', 'finalizing', 'finalizing', 'completed']);
  assert.deepEqual(lives[1], ['validating', 'validating', 'in_progress', 'in_progress', 'expired']);
  assert.deepEqual(lives[2], ['validating', 'validating', 'failed']);
  const failed = await api.batches.retrieve(third.id);
  assert.equal(failed.errors?.data?.[0]?.code, 'token_limit_exceeded');
  const expired = await api.batches.retrieve(second.id);
  assert.deepEqual(expired.request_counts, { total: 2, completed: 1, failed: 0 }, 'half of the expired batch ran');
  assert.equal((await emulator.stop()).code, 0);
});
