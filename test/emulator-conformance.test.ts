// The emulator held to OpenAI's published API (test/openapi/, from openai/openai-openapi): every answer
// the official SDK gets in a whole tour of the API (files, batches in each phase and each ending, list
// pages, deletes, embeddings, every kind of error) meets its operation's schema, and so does every line
// of every output and error file (BatchRequestOutput, with its body an embeddings answer or an error).
// Where OpenAI's own answers depart from its schemas the test says so (helpers/openapi.ts, DEVIATIONS),
// checks that each departure is still met, and for the nulls of a batch, that the spec's own example
// answers send them too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { startEmulator } from '../src/emulator/index.js';
import { recordingClient, schemaOf } from './helpers/answers.js';
import { embeddingLine, pollToEnd, resultLines, SMALL, submitLines } from './helpers/emulator-client.js';
import { check, CURRENT, DEVIATIONS, type Deviation } from './helpers/openapi.js';

const KEY = 'sk-conformance';

test("every answer and every output and error line meets OpenAI's published schemas", async (t) => {
  const emulator = await startEmulator({ apiKey: KEY, expireBatches: [2] });
  t.after(() => emulator.close());
  const { client, answers } = recordingClient(emulator.baseURL, KEY);
  const lines: { what: string; line: any }[] = [];
  const keepLines = async (batch: { id: string; output_file_id?: string | null; error_file_id?: string | null }) => {
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (fileId) for (const line of await resultLines(client, fileId)) lines.push({ what: `${batch.id} ${fileId}`, line });
    }
  };

  await client.files.list(); // an empty page
  // A batch that completes, with every kind of result: floats, base64, token inputs, refusals.
  const completed = await submitLines(client, [
    embeddingLine('float', 'a red fox', { encoding_format: 'float', dimensions: 8 }),
    embeddingLine('base64', ['the sea', 'the sky'], { encoding_format: 'base64', dimensions: 8 }),
    embeddingLine('tokens', [[1212, 318], [257, 1296]], { dimensions: 8 }),
    embeddingLine('refused', 'REFUSE this'),
    embeddingLine('limited', 'RATELIMIT this'),
    embeddingLine('broken', 'SERVERERR this'),
    embeddingLine('bad-dims', 'x', { dimensions: 99_999 }),
    embeddingLine('bad-input', [[]]),
  ], { metadata: { run: 'conformance' } });
  await keepLines(await pollToEnd(client, completed.id));
  const failed = await submitLines(client, ['{not json', JSON.stringify({ custom_id: 'x', method: 'GET', url: '/v1/embeddings', body: {} })]);
  await pollToEnd(client, failed.id);
  const expired = await submitLines(client, ['a', 'b', 'c', 'd'].map((id) => embeddingLine(id, `text ${id}`))); // batch index 2
  await keepLines(await pollToEnd(client, expired.id));
  const cancelled = await submitLines(client, ['a', 'b', 'c', 'd'].map((id) => embeddingLine(id, `text ${id}`)));
  await client.batches.retrieve(cancelled.id); // in progress
  await client.batches.cancel(cancelled.id);
  await keepLines(await pollToEnd(client, cancelled.id));

  for await (const _ of client.batches.list({ limit: 2 })); // pages with cursors
  await client.files.list({ purpose: 'batch_output' });
  await client.files.create({ purpose: 'evals', file: await toFile(Buffer.from('{}\n'), 'evals.jsonl') });
  await client.files.delete(completed.input_file_id);
  await client.embeddings.create({ model: SMALL, input: ['a', 'b'], encoding_format: 'float' });
  await client.embeddings.create({ model: SMALL, input: [1212, 318] }); // the SDK asks for base64

  // Errors: 400, 401, 404, 409, and the 429 and 500 the emulator injects.
  const refused = (p: Promise<unknown>) => p.then(() => assert.fail('expected an error'), (e) => assert.ok(e instanceof OpenAI.APIError, String(e)));
  await refused(client.embeddings.create({ model: SMALL, input: 'x', dimensions: 0 }));
  const wrongKey = recordingClient(emulator.baseURL, 'sk-wrong');
  await refused(wrongKey.client.batches.list());
  await refused(client.batches.retrieve('batch_nope'));
  await refused(client.files.delete(completed.input_file_id));
  await refused(client.batches.cancel(completed.id));
  emulator.state.flaky.failNext(1, undefined, { status: 429 });
  await refused(client.files.list());
  emulator.state.flaky.failNext(1, undefined, { status: 500 });
  await refused(client.batches.list());

  const met = new Set<Deviation>();
  const statuses = new Set<string>();
  for (const answer of [...await answers(), ...await wrongKey.answers()]) {
    const name = schemaOf(answer);
    if (name === null) continue;
    statuses.add(`${name} ${answer.status}`);
    const { problems, deviations } = check(name, answer.body);
    assert.deepEqual(problems, [], `${answer.method} ${answer.path} ${answer.status} as ${name}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    for (const d of deviations) met.add(d);
  }
  for (const wanted of ['OpenAIFile 200', 'ListFilesResponse 200', 'DeleteFileResponse 200', 'Batch 200', 'ListBatchesResponse 200', 'CreateEmbeddingResponse 200',
    'ErrorResponse 400', 'ErrorResponse 401', 'ErrorResponse 404', 'ErrorResponse 409', 'ErrorResponse 429', 'ErrorResponse 500']) {
    assert.ok(statuses.has(wanted), `no answer checked as ${wanted}: ${[...statuses].join(', ')}`);
  }

  // Every line of the result files: the line, then its body as the answer it stands for.
  const codes = new Set<number | string>();
  for (const { what, line } of lines) {
    assert.deepEqual(check('BatchRequestOutput', line).problems, [], `${what}: ${JSON.stringify(line).slice(0, 300)}`);
    const body = line.response?.body;
    codes.add(line.response?.status_code ?? line.error.code);
    if (body === undefined) continue;
    const { problems, deviations } = check(line.response.status_code === 200 ? 'CreateEmbeddingResponse' : 'ErrorResponse', body);
    assert.deepEqual(problems, [], `${what} ${line.custom_id}: ${JSON.stringify(body).slice(0, 300)}`);
    for (const d of deviations) met.add(d);
  }
  assert.deepEqual([...codes].sort(), [200, 400, 429, 500, 'batch_cancelled', 'batch_expired'].sort());

  // Each departure from the schemas is one the emulator still makes (else it goes from the list).
  assert.deepEqual(DEVIATIONS.filter((d) => !met.has(d)).map((d) => `${d.schema}.${d.property}`), []);
});

test("the nulls a batch is allowed are the ones the spec's own example answers send", () => {
  const examples = ['createBatch', 'cancelBatch'].map((op) => {
    const text = CURRENT['x-operations']![op].exampleResponse!;
    return JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) as Record<string, unknown>; // the examples have trailing commas
  });
  for (const d of DEVIATIONS.filter((x) => x.schema === 'Batch')) {
    assert.ok(examples.some((e) => e[d.property] === null), `Batch.${d.property}: no example answer sends null`);
    const schema = CURRENT.$defs.Batch.properties![d.property] as { type?: string; nullable?: boolean };
    assert.ok(schema.type !== undefined && schema.type !== 'null', `Batch.${d.property} is no longer typed non-null: drop it from DEVIATIONS`);
  }
  // Required, yet the one page without items has nothing to put there.
  assert.ok(['first_id', 'last_id'].every((p) => (CURRENT.$defs.ListFilesResponse.required as string[]).includes(p)));
});
