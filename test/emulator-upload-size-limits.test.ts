// Uploads are held to the API's size limits, 512 MB for any file and 200 MB for a batch input file
// (the figures of the spec's own createFile text), and one over either is refused as the API refuses
// it: HTTP 400 "File is too large.". Tested with smaller limits set for the test; a body past the
// largest upload is drained, not kept, and still answered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { startEmulator, UPLOAD_LIMITS } from '../src/emulator/index.js';
import { CURRENT } from './helpers/openapi.js';

const MiB = 1024 * 1024;

test("the default limits are the spec's: 512 MB a file, 200 MB a batch input file", () => {
  const text = CURRENT['x-operations']!.createFile.summary!;
  assert.match(text, /Individual files\s+can be up to 512 MB/);
  assert.match(text, /The Batch API only supports `\.jsonl` files up to 200 MB in size/);
  assert.deepEqual(UPLOAD_LIMITS, { uploadBytes: 512 * MiB, batchFileBytes: 200 * MiB });
});

test('a file over the limit of its purpose is refused with "File is too large."; one at it is stored', async (t) => {
  const emulator = await startEmulator({ limits: { uploadBytes: 4096, batchFileBytes: 1024 } });
  t.after(() => emulator.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: emulator.baseURL, maxRetries: 0 });
  const upload = async (purpose: 'batch' | 'user_data', bytes: number) =>
    client.files.create({ purpose, file: await toFile(Buffer.alloc(bytes, 'x'), 'data.jsonl') }).then((f) => f.bytes, (e: unknown) => e);
  const tooLarge = (e: unknown) => e instanceof OpenAI.BadRequestError && e.message === '400 File is too large.';

  assert.equal(await upload('batch', 1024), 1024);
  assert.ok(tooLarge(await upload('batch', 1025)), 'a batch file over its limit');
  assert.equal(await upload('user_data', 4096), 4096, 'over the batch limit, but not a batch file');
  assert.ok(tooLarge(await upload('user_data', 4097)), 'any file over the upload limit');
  assert.ok(tooLarge(await upload('user_data', 300 * 1024)), 'a body past the largest upload, drained and answered');
  assert.equal(emulator.state.files.size, 2);
});
