// A batch created but never recorded (vecfill submit killed between the API's answer and the ledger's
// COMMIT) is found again through its metadata: run records and ingests it instead of sending its rows a
// second time. A batch that vecfill submitted for a table of the same name in another database (another
// vecfill_db) is left alone. Both batches come from vecfill itself, so their tags are its own (the
// steps before the killed submit call the library, in this process, to save the CLI's start-ups).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import pg from 'pg';
import { useDb } from '../src/db/open.js';
import { ensureLedger } from '../src/batch/ledger.js';
import { prepare } from '../src/batch/prepare.js';
import { submitFiles as submit } from '../src/batch/submit.js'; // with the test's own BatchApi
import { BatchApi } from '../src/batch/api.js';
import { API_KEY, docsTable, fakeOpenAI, freshDatabase, storedVector, vecfill } from './helpers/batch.js';
import { childBackend, waitForBackendGone } from './helpers/activity.js';
import { spawnCli } from './helpers/cli.js';
import { until } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { finish } from './helpers/run.js';
import { batchesCreated, numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';

test('run adopts a batch of this table that a killed submit never recorded, and ignores another database\'s', serverOnly('kills a submit process while another session holds it back'), async (t) => {
  const db = await freshDatabase(t);
  const other = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = await numberedDocs(db, 10);
  const v = vecfill(db, server);
  const api = new BatchApi(new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0 }));

  // Another database, a table of the same name: vecfill submits rows 4 and 5 there.
  await docsTable(other, [[4, texts.get(4)!], [5, texts.get(5)!]]);
  const { files: [otherFile] } = await prepare({ db: other.url, table: 'docs', textColumn: 'body', out: dir.path('other') });
  const theirs = (await submit({ db: other.url, api, files: [otherFile.path] })).batches[0].batchId;

  // Here: submit rows 1-3, and kill it while its ledger INSERT waits behind a lock, after the API created the batch.
  await useDb(db.url, ensureLedger);
  await prepare({ db: db.url, table: 'docs', textColumn: 'body', where: 'id <= 3', out: dir.path('ours') });
  const locker = new pg.Client({ connectionString: db.url });
  locker.on('error', () => {}); // the database is dropped with FORCE after the test
  await locker.connect();
  t.after(() => locker.end());
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE vecfill.batches IN SHARE MODE'); // reads go on, inserts wait
  const child = spawnCli(['submit', '--db', db.url, '--run', 'killed', dir.path('ours/requests-0001.jsonl')], v.env);
  const submitted = finish(child);
  await until(async () => batchesCreated(server) === 2 && (await childBackend(child.pid!))?.waitEventType === 'Lock',
    'the batch created, and submit\'s ledger INSERT waiting on the lock');
  const { pid } = (await childBackend(child.pid!))!;
  child.kill('SIGKILL');
  assert.equal((await submitted).signal, 'SIGKILL');
  await locker.query('ROLLBACK');
  await waitForBackendGone(pid);
  const ours = [...server.state.batches.values()].at(-1)!.json;
  assert.equal((await db.sql('SELECT count(*)::int AS n FROM vecfill.batches')).rows[0].n, 0, 'the ledger lacks the batch');
  const tags = [ours.metadata?.vecfill_db, server.state.batches.get(theirs)!.json.metadata?.vecfill_db];
  assert.ok(tags[0] && tags[1] && tags[0] !== tags[1], `each database has its own tag: ${tags.join(', ')}`);

  const r = await v(...RUN_ARGS, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`${ours.id}: created by an earlier run but not recorded`));
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  const sent = submittedRows(server);
  assert.deepEqual(['1', '2', '3'].map((id) => sent.get(id)), [1, 1, 1], 'the adopted batch\'s rows were not sent again');
  assert.deepEqual(['4', '5'].map((id) => sent.get(id)), [2, 2], 'the other database\'s batch was not taken for ours');
  const { rows } = await db.sql(`SELECT run_id, ingested_at IS NOT NULL AS ingested FROM vecfill.batches WHERE batch_id = $1`, [ours.id]);
  assert.deepEqual(rows, [{ run_id: 'killed', ingested: true }]);
  assert.equal((await db.sql('SELECT count(*)::int AS n FROM vecfill.batches WHERE batch_id = $1', [theirs])).rows[0].n, 0);
});
