// submit creates each batch with output_expires_after (a week from when the files are written), so an
// output or error file that a crash leaves behind expires instead of staying the API's default 30
// days: the emulator, which honours it as OpenAI does, serves the output with that expires_at.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { OUTPUT_EXPIRES_AFTER_SECONDS } from '../src/batch/submit.js';
import { prepare, submit } from '../src/index.js';
import { API_KEY, docsTable, fakeOpenAI, freshDatabase } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test("submit asks for the batch's output files to expire a week after they are written", async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two REFUSE']]);
  const openai = { apiKey: API_KEY, baseURL: server.baseURL };
  const { files } = await prepare({ db: db.url, table: 'docs', textColumn: 'body', out: dir.dir });
  const { batches } = await submit({ db: db.url, files: files.map((f) => f.path), openai });
  assert.equal(OUTPUT_EXPIRES_AFTER_SECONDS, 7 * 24 * 3600);
  assert.equal(server.state.batches.get(batches[0].batchId)!.plan.outputExpiresAfter, OUTPUT_EXPIRES_AFTER_SECONDS);

  server.state.advanceAll();
  const client = new OpenAI({ ...openai, maxRetries: 0 });
  const batch = await client.batches.retrieve(batches[0].batchId);
  for (const id of [batch.output_file_id!, batch.error_file_id!]) {
    const file = await client.files.retrieve(id);
    assert.equal(file.expires_at, file.created_at + OUTPUT_EXPIRES_AFTER_SECONDS, `${file.filename}`);
  }
});
