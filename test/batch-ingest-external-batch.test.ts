// A batch vecfill did not create is not guessed at: ingest --batch asks for --table, and with it
// ingests the batch and records it in the ledger like its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { API_KEY, docsTable, fakeOpenAI, freshDatabase, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';

test('--batch of a batch made elsewhere needs --table, then is ingested and recorded', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  await docsTable(db, [[1, 'one'], [2, 'two']]);
  const sdk = new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL });
  const lines = [[1, 'one'], [2, 'two']].map(([id, input]) =>
    JSON.stringify({ custom_id: String(id), method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input } }));
  const file = await sdk.files.create({ purpose: 'batch', file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'mine.jsonl') });
  const batch = await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
  server.state.advanceAll();
  const v = vecfill(db, server);

  const unknown = await v('ingest', '--batch', batch.id);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, new RegExp(`batch ${batch.id} is not in this database's ledger; pass --table`));
  assert.equal(server.state.requests.filter((q) => q.path === `/v1/batches/${batch.id}`).length, 0, 'nothing asked of the API');

  const r = await v('ingest', '--batch', batch.id, '--table', 'docs');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await storedVector(db, 'docs', 2), expectedEmbedding('two', 1536));
  const { rows } = await db.sql(`SELECT run_id, table_name, status, ingested_at IS NOT NULL AS ingested FROM vecfill.batches`);
  assert.deepEqual(rows, [{ run_id: 'external', table_name: 'docs', status: 'completed', ingested: true }]);
});
