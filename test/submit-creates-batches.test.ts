// submit uploads each request file as it is, creates one /v1/embeddings batch per file (24h window,
// metadata naming the run, table and column) and records each batch and its rows in the ledger.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('two files make two batches, with metadata, in the ledger with their rows', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, Array.from({ length: 5 }, (_, i) => [i + 1, `text ${i + 1}`] as [number, string]));
  const v = vecfill(db, server);
  const prepared = json(await v('prepare', '--table', 'docs', '--text-column', 'body', '--max-requests', '3', '--out', dir.dir, '--json'));
  const files = prepared.files.map((f: { path: string }) => f.path);
  assert.equal(files.length, 2);

  const r = await v('submit', '--run', 'run-one', '--json', ...files);
  assert.equal(r.code, 0, r.stderr);
  const { runId, batches } = json(r);
  assert.equal(runId, 'run-one');
  assert.equal(batches.length, 2);

  for (const [i, b] of batches.entries()) {
    const remote = server.state.batches.get(b.batchId)!.json;
    assert.equal(remote.endpoint, '/v1/embeddings');
    assert.equal(remote.completion_window, '24h');
    const { vecfill_db: tag, ...names } = remote.metadata ?? {};
    assert.deepEqual(names, { vecfill_run: 'run-one', vecfill_table: 'public.docs', vecfill_column: 'embedding' });
    assert.match(tag ?? '', /^[0-9a-f]{16}$/, 'vecfill_db: a hash naming the database, never its name');
    assert.equal(server.state.fileText(remote.input_file_id), await readFile(files[i], 'utf8'), 'uploaded byte for byte');
    assert.equal(b.inputFileId, remote.input_file_id);
  }

  const { rows } = await db.sql(`SELECT batch_id, run_id, table_schema, table_name, id_column, column_name, model, dimensions, encoding,
      input_file_id, status, request_total, estimated_tokens::int, attempt, ingested_at FROM vecfill.batches ORDER BY created_at, batch_id`);
  assert.deepEqual(rows.map((x) => x.batch_id).sort(), batches.map((b: { batchId: string }) => b.batchId).sort());
  for (const row of rows) {
    const b = batches.find((x: { batchId: string }) => x.batchId === row.batch_id);
    const file = prepared.files.find((f: { path: string }) => f.path === b.file);
    assert.deepEqual(row, {
      batch_id: b.batchId, run_id: 'run-one', table_schema: 'public', table_name: 'docs', id_column: 'id', column_name: 'embedding',
      model: 'text-embedding-3-small', dimensions: null, encoding: 'base64', input_file_id: b.inputFileId, status: 'validating',
      request_total: file.requests, estimated_tokens: file.tokens, attempt: 1, ingested_at: null,
    });
  }
  const carried = await db.sql(`SELECT batch_id, row_id FROM vecfill.batch_rows ORDER BY row_id`);
  assert.deepEqual(carried.rows.map((x) => x.row_id), ['1', '2', '3', '4', '5']);
  assert.deepEqual(carried.rows.map((x) => x.batch_id), [...Array(3).fill(batches[0].batchId), ...Array(2).fill(batches[1].batchId)]);
});

test('a file without a manifest needs --table, and a file with ids the id column cannot hold is refused before any upload', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one']]);
  const line = (id: string) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'one' } });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(dir.path('mine.jsonl'), line('1') + '\n');
  await writeFile(dir.path('bad.jsonl'), line('1') + '\n' + line('not-a-number') + '\n');
  const v = vecfill(db, server);

  const noTarget = await v('submit', dir.path('mine.jsonl'));
  assert.equal(noTarget.code, 2);
  assert.match(noTarget.stderr, /no manifest beside it .* pass --table/);
  const bad = await v('submit', '--table', 'docs', dir.path('mine.jsonl'), dir.path('bad.jsonl'));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.jsonl: custom_id "not-a-number" is not a valid int8 id/);
  assert.equal(server.state.files.size, 0, 'nothing uploaded');

  const ok = await v('submit', '--table', 'docs', '--json', dir.path('mine.jsonl'));
  assert.equal(ok.code, 0, ok.stderr);
  const { rows } = await db.sql(`SELECT model, encoding, estimated_tokens::int AS tokens FROM vecfill.batches`);
  assert.deepEqual(rows, [{ model: 'text-embedding-3-small', encoding: 'float', tokens: 1 }]);
});
