// ingest --batch of a batch that is still running exits 1 and changes nothing for it (the README: "1 …
// or a named batch is not finished yet"); a finished batch named with it is ingested all the same, and
// the running one is ingested once it has finished.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, storedVector, submitRows, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

test('ingest --batch of a running batch exits 1: nothing of it downloaded or applied; the finished one is ingested', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false });
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = new Map<number, string>([[1, 'one'], [2, 'two'], [3, 'three'], [4, 'four']]);
  await docsTable(db, [...texts]);
  const [done, running] = await submitRows(db, server, dir.dir, { maxRequests: 2 });
  server.state.advance(done, 3);
  server.state.advance(running);
  assert.deepEqual([server.state.batches.get(done)!.status, server.state.batches.get(running)!.status], ['completed', 'in_progress']);
  const v = vecfill(db, server);

  const r = await v('ingest', '--batch', done, '--batch', running);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, `${done} (completed): updated 2 rows of public.docs.embedding from 2 lines\n` +
    `${running}: in_progress, not finished; nothing ingested (vecfill status shows where it is)\n`);
  const downloads = server.state.requests.filter((q) => q.path.endsWith('/content')).map((q) => q.path);
  assert.deepEqual(downloads, [`/v1/files/${server.state.batches.get(done)!.json.output_file_id}/content`]);
  const carried = async (batch: string) => (await db.sql('SELECT row_id::int AS id FROM vecfill.batch_rows WHERE batch_id = $1', [batch])).rows.map((x) => x.id as number);
  for (const id of await carried(done)) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(texts.get(id)!, 1536));
  for (const id of await carried(running)) assert.equal(await storedVector(db, 'docs', id), null);
  const { rows } = await db.sql('SELECT batch_id, status, ingested_at IS NOT NULL AS ingested FROM vecfill.batches ORDER BY created_at');
  assert.deepEqual(rows, [{ batch_id: done, status: 'completed', ingested: true }, { batch_id: running, status: 'in_progress', ingested: false }]);

  server.state.advanceAll();
  const later = await v('ingest', '--batch', running);
  assert.equal(later.code, 0, later.stderr);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
});
