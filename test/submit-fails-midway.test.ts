// submit that fails midway (the API refuses the second batch for good: HTTP 400) exits 1, says which
// file failed and which batches were created before it; those are in the ledger with their rows, the
// refused file's upload is deleted, the files after it are never uploaded, and submitting the rest
// afterwards works.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { prepare } from '../src/batch/prepare.js';

test('submit refused on its second batch: exit 1, the first batch in the ledger, the rest can be submitted after', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, Array.from({ length: 6 }, (_, i) => [i + 1, `text ${i + 1}`] as [number, string]));
  const files = (await prepare({ db: db.url, table: 'docs', textColumn: 'body', out: dir.dir, maxRequests: 2 })).files.map((f) => f.path);
  assert.equal(files.length, 3);
  let creates = 0;
  server.state.flaky.failNext(1, (q) => q.method === 'POST' && q.path === '/v1/batches' && ++creates === 2, { status: 400 });
  const v = vecfill(db, server);

  const r = await v('submit', '--run', 'r1', ...files);
  assert.equal(r.code, 1, r.stderr);
  const [first] = [...server.state.batches.keys()];
  assert.equal(server.state.batches.size, 1, 'one batch created');
  const uploads = server.state.requests.filter((q) => q.method === 'POST' && q.path === '/v1/files');
  assert.deepEqual(uploads.map((q) => q.status), [200, 200], 'two files uploaded; the third never was');
  assert.match(r.stderr, new RegExp(`^vecfill submit: cannot create a batch from ${files[1]} \\(uploaded as file-\\w+\\): 400 `));
  assert.match(r.stderr, new RegExp(`1 batch was created before it and recorded in the ledger \\(${first}\\): see vecfill status\\n$`));
  assert.doesNotMatch(r.stderr, /nothing was changed|\n\s+at /);
  assert.match(r.stdout, new RegExp(`^${first}  validating  ${files[0]}  2 requests`));
  const { rows } = await db.sql(`SELECT b.batch_id, b.run_id, array_agg(r.row_id::int ORDER BY r.row_id::int) AS rows
    FROM vecfill.batches b JOIN vecfill.batch_rows r USING (batch_id) GROUP BY 1, 2`);
  assert.deepEqual(rows, [{ batch_id: first, run_id: 'r1', rows: [1, 2] }]);
  assert.equal(server.state.files.size, 1, 'the refused file\'s upload was deleted');

  const rest = await v('submit', '--json', files[1], files[2]);
  assert.equal(rest.code, 0, rest.stderr);
  assert.equal(json(rest).batches.length, 2);
  assert.equal((await db.sql('SELECT count(*)::int AS n FROM vecfill.batch_rows')).rows[0].n, 6);
});
