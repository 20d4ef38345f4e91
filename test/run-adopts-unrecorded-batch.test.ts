// A batch created but never recorded (killed between the API's answer and the ledger's COMMIT) is found
// again through its metadata: run records and ingests it instead of sending its rows a second time. A
// batch with the same table name from another database (another vecfill_db) is left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { toFile } from 'openai/uploads';
import { API_KEY, fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';

test('run adopts a batch of this table that the ledger lacks, and ignores another database\'s', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const texts = await numberedDocs(db, 10);
  const api = new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL });
  const { rows: [{ tag }] } = await db.sql(
    `SELECT left(md5((SELECT system_identifier FROM pg_control_system())::text || '/' || current_database()), 16) AS tag`);
  const create = async (ids: number[], dbTag: string) => {
    const lines = ids.map((id) => JSON.stringify({ custom_id: String(id), method: 'POST', url: '/v1/embeddings',
      body: { model: 'text-embedding-3-small', encoding_format: 'base64', input: texts.get(id) } }));
    const file = await api.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'in.jsonl'), purpose: 'batch' });
    return api.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h',
      metadata: { vecfill_run: 'killed', vecfill_table: 'public.docs', vecfill_column: 'embedding', vecfill_db: dbTag } });
  };
  const ours = await create([1, 2, 3], tag);
  await create([4, 5], '0000000000000000');

  const r = await vecfill(db, server)(...RUN_ARGS, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`${ours.id}: created by an earlier run but not recorded`));
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  const sent = submittedRows(server);
  assert.deepEqual(['1', '2', '3'].map((id) => sent.get(id)), [1, 1, 1], 'the adopted batch\'s rows were not sent again');
  assert.deepEqual(['4', '5'].map((id) => sent.get(id)), [2, 2], 'the other database\'s batch was not taken for ours');
  const { rows } = await db.sql(`SELECT run_id, ingested_at IS NOT NULL AS ingested FROM vecfill.batches WHERE batch_id = $1`, [ours.id]);
  assert.deepEqual(rows, [{ run_id: 'killed', ingested: true }]);
});
