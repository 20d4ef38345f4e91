// The other half of holding the emulator to OpenAI's spec: what the spec says a request may hold, the
// emulator takes, and what the spec refuses, the emulator refuses, with a 400 naming the parameter.
// The spec decides each case here (helpers/openapi.ts accepts()), not the test: embeddings inputs in
// all four shapes and past the 2,048 items an array may have, in a request and in a batch line; the
// purposes an upload may have; the expiration policies of an upload and of a batch's output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { startEmulator } from '../src/emulator/index.js';
import { recordingClient, schemaOf } from './helpers/answers.js';
import { embeddingLine, pollToEnd, resultLines, SMALL, submitLines } from './helpers/emulator-client.js';
import { accepts, check, CURRENT } from './helpers/openapi.js';

const INPUTS: [what: string, input: unknown][] = [
  ['a string', 'a red fox'],
  ['strings', ['a red fox', 'the sea']],
  ['token ids', [1212, 318, 257, 1296]],
  ['arrays of token ids', [[1212, 318], [257, 1296]]],
  ['2,048 strings', Array(2048).fill('word')],
  ['an empty array', []],
  ['2,049 strings', Array(2049).fill('word')],
  ['2,049 token ids', Array(2049).fill(1296)],
  ['strings and token ids', ['a', 1296]],
  ['an empty token array', [[]]],
  ['a number', 42],
];

test('embeddings inputs: the shapes the spec takes are embedded, the others are a 400, in a request and in a batch line', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const { client, answers } = recordingClient(emulator.baseURL);
  const valid = INPUTS.filter(([, input]) => accepts('CreateEmbeddingRequest', { model: SMALL, input }));
  assert.deepEqual(valid.map(([what]) => what), ['a string', 'strings', 'token ids', 'arrays of token ids', '2,048 strings'], 'the spec, as extracted');

  for (const [what, input] of INPUTS) {
    const ok = valid.some(([w]) => w === what);
    const body = { model: SMALL, input, encoding_format: 'float' as const, dimensions: 4 };
    const res = await client.embeddings.create(body as never).then((r) => r, (e: InstanceType<typeof OpenAI.APIError>) => e);
    if (ok) assert.ok(!(res instanceof Error), `${what}: ${res}`);
    else assert.ok(res instanceof OpenAI.BadRequestError && /'\$\.input' is invalid/.test(res.message), `${what}: ${res}`);
  }

  // The same inputs as lines of one batch: each line runs, and is embedded or refused on its own.
  const lines = INPUTS.map(([, input], i) => embeddingLine(String(i), input, { dimensions: 4 }));
  for (const line of lines) assert.ok(accepts('BatchRequestInput', JSON.parse(line)));
  const batch = await pollToEnd(client, (await submitLines(client, lines)).id);
  assert.equal(batch.status, 'completed');
  const status = new Map([...await resultLines(client, batch.output_file_id), ...await resultLines(client, batch.error_file_id)]
    .map((l) => [INPUTS[Number(l.custom_id)][0], l.response.status_code]));
  assert.deepEqual(Object.fromEntries(status), Object.fromEntries(INPUTS.map(([what]) => [what, valid.some(([w]) => w === what) ? 200 : 400])));

  for (const answer of await answers()) {
    const name = schemaOf(answer);
    if (name) assert.deepEqual(check(name, answer.body).problems, [], `${answer.method} ${answer.path}`);
  }
});

test('uploads: every purpose the spec lists is stored, any other is refused in the API\'s words', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: emulator.baseURL, maxRetries: 0 });
  const purposes = (CURRENT.$defs.CreateFileRequest.properties!.purpose as { enum: string[] }).enum;
  assert.ok(purposes.includes('batch') && purposes.length >= 6, purposes.join());

  for (const purpose of purposes) {
    const file = await client.files.create({ purpose: purpose as 'batch', file: await toFile(Buffer.from('{}\n'), 'data.jsonl') });
    assert.equal((await client.files.retrieve(file.id)).purpose, purpose);
  }
  const err = await client.files.create({ purpose: 'answers' as 'batch', file: await toFile(Buffer.from('{}\n'), 'data.jsonl') }).catch((e) => e);
  assert.ok(err instanceof OpenAI.BadRequestError);
  assert.deepEqual([err.param, err.code], ['purpose', 'invalid_value']);
  assert.match(err.message, /^400 Invalid value: 'answers'\. Supported values are: 'assistants', 'batch', .*'evals'\.$/);
});

test('expiration policies: those the spec takes are honoured, the others are a 400 naming the field', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: emulator.baseURL, maxRetries: 0 });
  const policies: [unknown, string | null][] = [
    [{ anchor: 'created_at', seconds: 3600 }, null],
    [{ anchor: 'created_at', seconds: 2_592_000 }, null],
    [{ anchor: 'created_at', seconds: 3599 }, 'seconds'],
    [{ anchor: 'created_at', seconds: 2_592_001 }, 'seconds'],
    [{ anchor: 'last_active_at', seconds: 3600 }, 'anchor'],
    [{ seconds: 3600 }, 'anchor'],
  ];
  for (const [policy, bad] of policies) {
    assert.equal(accepts('FileExpirationAfter', policy), bad === null, JSON.stringify(policy));
    assert.equal(accepts('BatchFileExpirationAfter', policy), bad === null, JSON.stringify(policy));
  }

  for (const [policy, bad] of policies) {
    const upload = client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(embeddingLine('1', 'x') + '\n'), 'in.jsonl'), expires_after: policy as never });
    if (bad === null) {
      const file = await upload;
      assert.equal(file.expires_at, file.created_at + (policy as { seconds: number }).seconds);
      await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h', output_expires_after: policy as never });
      continue;
    }
    const err = await upload.catch((e) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, `upload with ${JSON.stringify(policy)}: ${err}`);
    assert.equal(err.param, `expires_after.${bad}`);
    const ok = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(embeddingLine('1', 'x') + '\n'), 'in.jsonl') });
    const refused = await client.batches.create({ input_file_id: ok.id, endpoint: '/v1/embeddings', completion_window: '24h', output_expires_after: policy as never }).catch((e) => e);
    assert.ok(refused instanceof OpenAI.BadRequestError, `batch with ${JSON.stringify(policy)}: ${refused}`);
    assert.equal(refused.param, `output_expires_after.${bad}`);
  }
});
