// The API key goes to the API and nowhere else: not in any command's output or errors, not in the
// ledger, not in the request files. Without a key the commands that call the API stop with a usage error.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { API_KEY, docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { run } from './helpers/run.js';

test('a whole round trip, and a wrong key, leave the key nowhere', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'REFUSE two'], [3, 'three']]);
  const v = vecfill(db, server);
  const outputs: string[] = [];
  const step = async (...args: string[]) => {
    const r = await v(...args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  await step('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const id = json(await step('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;

  // The same key, refused by a server that wants another one: the error names the problem, not the key.
  const strict = await fakeOpenAI(t, { apiKey: 'sk-the-right-key-0000000000' });
  const refused = await run(['status', '--db', db.url], '', { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: strict.baseURL, VECFILL_DEBUG: '1' });
  outputs.push(refused.stdout, refused.stderr);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /cannot retrieve batch .*: 401 Incorrect API key provided\. \(check OPENAI_API_KEY\)/);

  await step('status');
  await step('status', '--json');
  server.state.advanceAll();
  assert.equal((await step('ingest', '--batch', id, '--rejects', dir.path('rejects.jsonl'))).code, 3);
  const rejects = (await readFile(dir.path('rejects.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(rejects.map((r) => [r.custom_id, r.code]), [['2', 'http_error']], '--rejects still gets every record');
  await step('cancel', id);
  assert.deepEqual([...server.state.apiKeys], [API_KEY], 'the key did reach the API');

  for (const text of outputs) assert.ok(!text.includes(API_KEY) && !text.includes('VECFILL-secret'), `leaked in: ${text}`);
  for (const table of ['batches', 'batch_rows', 'row_failures']) {
    const { rows } = await db.sql(`SELECT coalesce(string_agg(row_to_json(x)::text, ' '), '') AS all FROM vecfill.${table} x`);
    assert.ok(!rows[0].all.includes('VECFILL-secret'), `leaked in vecfill.${table}`);
  }
  for (const name of await readdir(dir.dir)) assert.ok(!(await readFile(dir.path(name), 'utf8')).includes('VECFILL-secret'), `leaked in ${name}`);
});

test('without OPENAI_API_KEY: a usage error that says what to set', async (t) => {
  const db = await freshDatabase(t);
  for (const args of [['submit', 'x.jsonl'], ['status'], ['cancel'], ['ingest', '--batch', 'batch_x'], ['ingest', '--all-completed']]) {
    const r = await vecfill(db)(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /OPENAI_API_KEY is not set: export your OpenAI API key/);
  }
});
