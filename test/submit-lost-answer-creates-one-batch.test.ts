// A batch create whose answer is lost (the server created the batch, then the connection dropped: a
// timeout, a proxy) must not leave two batches of the same rows: the second would be paid for too, and
// run adopts the orphan (it carries vecfill's metadata), so every row goes out twice. Through vecfill's
// own client (its retries), in this process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchApi } from '../src/batch/api.js';
import { openaiClient } from '../src/batch/openai.js';
import { prepare } from '../src/batch/prepare.js';
import { runFill } from '../src/batch/run.js';
import { submitFiles as submit } from '../src/batch/submit.js'; // with the test's own BatchApi
import { API_KEY, fakeOpenAI, freshDatabase, storedVector } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, submittedRows } from './helpers/run-fill.js';

test('a batch create whose answer is lost creates one batch, and no row is sent twice', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = await numberedDocs(db, 4);
  const env = { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL };
  const api = new BatchApi(openaiClient({ env }), { env });
  const { files } = await prepare({ db: db.url, table: 'docs', textColumn: 'body', out: dir.dir });
  server.state.flaky.failNext(1, (q) => q.method === 'POST' && q.path === '/v1/batches', { after: 'drop' });

  await submit({ db: db.url, api, files: files.map((f) => f.path) }); // the batch the lost answer made is found
  assert.equal(server.state.faults.dropped, 1);
  assert.equal(server.state.batches.size, 1, 'one batch for one request file');

  await runFill({ db: db.url, api, table: 'docs', textColumn: 'body', pollInterval: 0.05 });
  assert.deepEqual([...submittedRows(server).values()], [1, 1, 1, 1], 'no row sent twice');
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
});
