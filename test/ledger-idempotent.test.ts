// The ledger's DDL can run any number of times, from any number of sessions at once, and records a
// batch with its rows; its columns hold names and ids, never a secret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureLedger, getBatch, insertBatch, listBatches, updateFromApi } from '../src/batch/ledger.js';
import type { Db } from '../src/db/db.js';
import { openDb } from '../src/db/open.js';
import { freshDatabase } from './helpers/batch.js';

test('ensureLedger from eight sessions at once, then again: one ledger, no error', async (t) => {
  const db = await freshDatabase(t);
  // Eight sessions on a server; on the embedded database, eight handles on its one session.
  const handles = await Promise.all(Array.from({ length: 8 }, () => openDb(db.url)));
  try {
    await Promise.all(handles.map((c) => ensureLedger(c)));
    await ensureLedger(handles[0]);
  } finally {
    await Promise.all(handles.map((c) => c.close()));
  }
  const { rows } = await db.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'vecfill' ORDER BY 1`);
  assert.deepEqual(rows.map((r) => r.table_name), ['batch_rows', 'batches', 'row_failures']);
  const { rows: columns } = await db.sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'vecfill'`);
  assert.ok(!columns.some((c) => /key|secret|password|url/i.test(c.column_name)));
});

test('a batch and its rows go in, the API\'s view updates it, filters select it', async (t) => {
  const db = await freshDatabase(t);
  const c = await openDb(db.url);
  try {
    await roundTrip(c);
  } finally {
    await c.close();
  }
});

async function roundTrip(c: Db): Promise<void> {
  await ensureLedger(c);
  const target = { tableSchema: 'My Schema', tableName: 'Docs', idColumn: 'id', column: 'embedding' };
  await insertBatch(c, { ...target, batchId: 'batch_1', runId: 'r1', model: 'text-embedding-3-small', dimensions: null, encoding: 'base64',
    inputFileId: 'file-in', status: 'validating', requestTotal: 2, estimatedTokens: 10 }, ['1', '2']);
  await insertBatch(c, { ...target, tableName: 'other', batchId: 'batch_2', runId: 'r2', model: 'text-embedding-3-small', dimensions: 256,
    encoding: 'float', inputFileId: 'file-in2', status: 'validating', requestTotal: 1, estimatedTokens: 3 }, ['9']);

  const updated = await updateFromApi(c, {
    id: 'batch_1', status: 'completed', output_file_id: 'file-out', error_file_id: null, request_counts: { total: 2, completed: 2, failed: 0 },
    usage: { total_tokens: 12 }, errors: undefined,
  } as never);
  assert.deepEqual([updated!.status, updated!.outputFileId, updated!.requestCompleted, updated!.tokensUsed], ['completed', 'file-out', 2, 12]);
  assert.deepEqual((await listBatches(c, { inFlight: true })).map((b) => b.batchId), ['batch_2']);
  assert.deepEqual((await listBatches(c, { target: { tableSchema: 'My Schema', tableName: 'Docs' } })).map((b) => b.batchId), ['batch_1']);
  assert.deepEqual((await listBatches(c, { runId: 'r2' })).map((b) => b.batchId), ['batch_2']);
  assert.equal((await getBatch(c, 'batch_2'))!.dimensions, 256);
  const { rows } = await c.query(`SELECT batch_id, row_id FROM vecfill.batch_rows ORDER BY row_id`);
  assert.deepEqual(rows, [{ batch_id: 'batch_1', row_id: '1' }, { batch_id: 'batch_1', row_id: '2' }, { batch_id: 'batch_2', row_id: '9' }]);
}
