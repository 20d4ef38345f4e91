// Files expire as the API's do: a batch input file 30 days after its upload unless expires_after says
// otherwise, a batch's output and error files 30 days after they are written unless the batch's
// output_expires_after says otherwise, other files never. Past its time a file is gone: not listed,
// and retrieving or downloading it is a 404.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { startEmulator } from '../src/emulator/index.js';
import { embeddingLine, pollToEnd } from './helpers/emulator-client.js';

const DAY = 24 * 3600;
const lines = (...texts: string[]) => Buffer.from(texts.map((x, i) => embeddingLine(String(i), x)).join('\n') + '\n');

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  let clock = 1_700_000_000;
  const emulator = await startEmulator({ now: () => clock });
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: emulator.baseURL, maxRetries: 0 });
  return { client, later: (seconds: number) => (clock += seconds) };
}

test('uploads: batch files expire in 30 days or as expires_after says; other purposes never', async (t) => {
  const { client, later } = await setup(t);
  const batchFile = await client.files.create({ purpose: 'batch', file: await toFile(lines('one'), 'a.jsonl') });
  assert.equal(batchFile.expires_at, batchFile.created_at + 30 * DAY);
  const hour = await client.files.create({ purpose: 'batch', file: await toFile(lines('one'), 'b.jsonl'), expires_after: { anchor: 'created_at', seconds: 3600 } });
  assert.equal(hour.expires_at, hour.created_at + 3600);
  const kept = await client.files.create({ purpose: 'user_data', file: await toFile(Buffer.from('notes'), 'notes.txt') });
  assert.equal('expires_at' in kept, false, 'a file that never expires has no expires_at');
  const week = await client.files.create({ purpose: 'user_data', file: await toFile(Buffer.from('notes'), 'n.txt'), expires_after: { anchor: 'created_at', seconds: 7 * DAY } });
  assert.equal(week.expires_at, week.created_at + 7 * DAY);

  later(3599);
  assert.equal((await client.files.retrieve(hour.id)).id, hour.id, 'alive until its second comes');
  later(1);
  await assert.rejects(client.files.retrieve(hour.id), OpenAI.NotFoundError);
  await assert.rejects(client.files.content(hour.id), OpenAI.NotFoundError);
  assert.deepEqual((await client.files.list()).data.map((f) => f.id).sort(), [batchFile.id, kept.id, week.id].sort());
  later(30 * DAY);
  assert.deepEqual((await client.files.list()).data.map((f) => f.id), [kept.id]);
});

test("a batch's output and error files expire 30 days after they are written, or as output_expires_after says", async (t) => {
  const { client, later } = await setup(t);
  const submit = async (output_expires_after?: { anchor: 'created_at'; seconds: number }) => {
    const file = await client.files.create({ purpose: 'batch', file: await toFile(lines('one', 'REFUSE two'), 'in.jsonl') });
    return client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h', output_expires_after });
  };
  const plain = await submit();
  const short = await submit({ anchor: 'created_at', seconds: 2 * 3600 });
  later(DAY); // the files are written when the batches end, not when they were created
  const [a, b] = [await pollToEnd(client, plain.id), await pollToEnd(client, short.id)];
  for (const [batch, life] of [[a, 30 * DAY], [b, 2 * 3600]] as const) {
    for (const id of [batch.output_file_id!, batch.error_file_id!]) {
      const file = await client.files.retrieve(id);
      assert.equal(file.purpose, 'batch_output');
      assert.equal(file.expires_at, batch.completed_at! + life, `${batch.id} ${id}`);
    }
  }
  later(2 * 3600);
  await assert.rejects(client.files.content(b.output_file_id!), OpenAI.NotFoundError);
  assert.equal((await client.files.content(a.output_file_id!)).status, 200);
});
