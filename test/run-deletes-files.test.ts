// By default run deletes what it uploaded (once the batch is final) and the output and error files
// (once their ingest has committed); --keep-files keeps them all; a delete that fails is reported on
// stderr and the run still succeeds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS } from './helpers/run-fill.js';

/** Every file a batch names (input, output, error), over all batches the server holds. */
function batchFiles(server: Awaited<ReturnType<typeof fakeOpenAI>>): string[] {
  return [...server.state.batches.values()].flatMap((b) => [b.json.input_file_id, b.json.output_file_id, b.json.error_file_id])
    .filter((id): id is string => !!id);
}

test('run deletes the input, output and error files it is done with', async (t) => {
  const db = await freshDatabase(t);
  // An expiring first batch: it has an output and an error file; a refused row gives the others one too.
  const server = await fakeOpenAI(t, { expireBatches: [0] });
  const texts = await numberedDocs(db, 40, { 3: 'REFUSE' });
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '15', '--json');
  assert.equal(r.code, 3, r.stderr);
  assert.equal(json(r).filled, 39);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), id === 3 ? null : expectedEmbedding(text, 1536), `row ${id}`);
  const files = batchFiles(server);
  const errorFiles = [...server.state.batches.values()].filter((b) => b.json.error_file_id).length;
  assert.ok(server.state.batches.size >= 4 && errorFiles >= 1, `${server.state.batches.size} batches, ${errorFiles} with an error file`);
  assert.deepEqual(files.filter((id) => !server.state.deletedFileIds.has(id)), [], 'every input, output and error file was deleted');
  assert.equal(server.state.files.size, 0, 'nothing is left on the server');
  assert.doesNotMatch(r.stderr, /cannot delete/);
});

test('--keep-files keeps them', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { expireBatches: [0] });
  await numberedDocs(db, 20);
  const r = await vecfill(db, server)(...RUN_ARGS, '--keep-files', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, 20);
  assert.equal(server.state.deletedFileIds.size, 0);
  const files = batchFiles(server);
  assert.ok(files.length >= 5, 'two batches: inputs, outputs and the expired one\'s error file');
  for (const id of files) assert.ok(server.state.files.has(id), `${id} kept`);
});

test('a delete that fails is reported on stderr, never fatal', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { flaky: (q) => q.method === 'DELETE' });
  const texts = await numberedDocs(db, 10);
  // Every DELETE fails: each is retried while --retry-for lasts, then reported.
  const r = await vecfill(db, server)(...RUN_ARGS, '--json', '--retry-for', '0.3s');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, 10);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  const [batch] = [...server.state.batches.values()].map((b) => b.json);
  assert.match(r.stderr, new RegExp(`vecfill run: delete file ${batch.input_file_id}: HTTP 500 .*; trying again in`));
  assert.match(r.stderr, new RegExp(`vecfill run: cannot delete file ${batch.input_file_id}: .*gave up after .*not fatal`));
  assert.match(r.stderr, new RegExp(`cannot delete file ${batch.output_file_id}`));
  assert.equal(server.state.deletedFileIds.size, 0);
});
