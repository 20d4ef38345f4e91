// Issue 15's "Done when" for the emulator: the official SDK's batches.cancel on a batch that has
// already ended raises ConflictError (HTTP 409, as OpenAI answers it) against `vecfill emulate`, with
// the API's message and the answer's x-request-id as err.requestID; a batch still running is cancelled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { startEmulate } from './helpers/emulate.js';
import { embeddingLine, pollToEnd, submitLines } from './helpers/emulator-client.js';

test('vecfill emulate: cancelling a completed batch raises ConflictError; a running one is cancelled', async (t) => {
  const emulator = await startEmulate(t);
  const client = new OpenAI({ apiKey: 'sk-any', baseURL: emulator.baseURL, maxRetries: 0 });

  const done = await pollToEnd(client, (await submitLines(client, [embeddingLine('1', 'one'), embeddingLine('2', 'two')])).id);
  assert.equal(done.status, 'completed');
  const err = await client.batches.cancel(done.id).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof OpenAI.ConflictError, `expected ConflictError, got ${err}`);
  assert.equal(err.status, 409);
  assert.equal(err.message, "409 Cannot cancel a batch with status 'completed'.");
  assert.match(err.requestID ?? '', /^req_[0-9a-f]{32}$/);
  assert.equal((await client.batches.retrieve(done.id)).status, 'completed', 'the batch is as it was');

  const running = await submitLines(client, [embeddingLine('1', 'one')]);
  const cancelling = await client.batches.cancel(running.id);
  assert.equal(cancelling.status, 'cancelling');
  assert.equal((await pollToEnd(client, running.id)).status, 'cancelled');

  const stopped = await emulator.stop();
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /^vecfill emulate: POST \/v1\/batches\/batch_\w+\/cancel 409$/m);
});
