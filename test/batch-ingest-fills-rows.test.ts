// ingest --batch streams a finished batch's output and error files from the API into the table: each
// row gets exactly the server's vector, each error line becomes a row failure (HTTP 4xx other than 429
// for good, 429 and 5xx to retry), and the batch is marked ingested.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

const TEXTS = new Map<number, string>([
  [1, 'the first text'], [2, 'please REFUSE this'], [3, 'RATELIMIT this one'], [4, 'a SERVERERR here'], [5, 'the fifth text'], [6, 'sixth'],
]);

for (const encoding of ['base64', 'float']) {
  test(`${encoding}: rows filled bit for bit, error lines recorded per row, batch marked ingested`, async (t) => {
    const db = await freshDatabase(t);
    const server = await fakeOpenAI(t);
    const dir = await tempDir();
    t.after(dir.cleanup);
    await docsTable(db, [...TEXTS]);
    const v = vecfill(db, server);
    await v('prepare', '--table', 'docs', '--text-column', 'body', '--encoding', encoding, '--out', dir.dir);
    const id = json(await v('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;
    server.state.advanceAll();

    const r = await v('ingest', '--batch', id);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, `${id} (completed): updated 3 rows of public.docs.embedding from 6 lines; ` +
      'rows without a vector: 1 failed for good, 2 to retry, 0 missing\n');
    for (const row of [1, 5, 6]) assert.deepEqual(await storedVector(db, 'docs', row), expectedEmbedding(TEXTS.get(row)!, 1536), `row ${row}`);
    for (const row of [2, 3, 4]) assert.equal(await storedVector(db, 'docs', row), null);

    const { rows: failures } = await db.sql(`SELECT table_schema, table_name, column_name, row_id, attempts, last_code, final, last_batch_id,
        last_reason FROM vecfill.row_failures ORDER BY row_id`);
    assert.deepEqual(failures.map((f) => [f.row_id, f.last_code, f.final, f.attempts, f.last_batch_id, `${f.table_schema}.${f.table_name}.${f.column_name}`]), [
      ['2', 'http_400', true, 1, id, 'public.docs.embedding'],
      ['3', 'http_429', false, 1, id, 'public.docs.embedding'],
      ['4', 'http_500', false, 1, id, 'public.docs.embedding'],
    ]);
    assert.match(failures[0].last_reason, /^HTTP 400: This input was refused/);
    const { rows: [batch] } = await db.sql(`SELECT status, ingested_at IS NOT NULL AS ingested, rows_updated::int FROM vecfill.batches`);
    assert.deepEqual(batch, { status: 'completed', ingested: true, rows_updated: 3 });
    const downloads = server.state.requests.filter((q) => q.path.endsWith('/content')).map((q) => q.path);
    const remote = server.state.batches.get(id)!.json;
    assert.deepEqual(downloads, [`/v1/files/${remote.output_file_id}/content`, `/v1/files/${remote.error_file_id}/content`]);
  });
}

test('a later success clears a row\'s earlier failure; a row in neither file is recorded as missing', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two']]);
  await db.sql(`CREATE SCHEMA vecfill`);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const id = json(await v('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;
  await db.sql(`INSERT INTO vecfill.row_failures (table_schema, table_name, column_name, row_id, attempts, last_code, last_reason, last_batch_id)
    VALUES ('public', 'docs', 'embedding', '1', 1, 'http_429', 'earlier', 'batch_earlier')`);
  // A row the batch carries but the API never answered for: the ledger says batch `id` carried row 3.
  await db.sql(`INSERT INTO docs (id, body) VALUES (3, 'three')`);
  await db.sql(`INSERT INTO vecfill.batch_rows VALUES ($1, '3')`, [id]);
  server.state.advanceAll();

  const r = await v('ingest', '--batch', id, '--json');
  assert.equal(r.code, 3, r.stderr);
  assert.deepEqual(json(r).batches[0].failures, { final: 0, retryable: 0, missing: 1 });
  const { rows } = await db.sql(`SELECT row_id, last_code, final, attempts FROM vecfill.row_failures ORDER BY row_id`);
  assert.deepEqual(rows, [{ row_id: '3', last_code: 'missing', final: false, attempts: 1 }]);
});
