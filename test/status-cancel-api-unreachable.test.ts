// status and cancel against an API that does not answer: each call is tried again (one line on stderr
// per wait) while --retry-for lasts, then the command exits 1 naming the call and the address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { run } from './helpers/run.js';
import { createServer } from 'node:net';

test('status and cancel exit 1 when the API is unreachable, after retrying', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false });
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const id: string = json(await v('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;
  // An address where nothing listens: a port that was free a moment ago.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(probe.address() as { port: number }).port}/v1`;
  await new Promise((resolve) => probe.close(resolve));
  const env = { ...v.env, OPENAI_BASE_URL: address };

  for (const command of ['status', 'cancel']) {
    const started = Date.now();
    const r = await run([command, '--db', db.url, '--retry-for', '1.5s'], '', env);
    assert.equal(r.code, 1, `${command}: ${r.stderr}`);
    const waits = r.stderr.split('\n').filter((l) => new RegExp(`^vecfill ${command}: (retrieve|cancel) batch ${id}: connection failed \\(.*\\); trying again in`).test(l));
    assert.ok(waits.length >= 2, `${command} retried, a line each:\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`vecfill ${command}: cannot (retrieve|cancel) batch ${id}: cannot reach ${address.replace(/[./]/g, '\\$&')}: connect ECONNREFUSED .*\\(gave up after \\d+ tries in [\\d.]+ m?s; --retry-for is 1\\.5 s\\)`));
    assert.ok(Date.now() - started >= 500, 'it kept trying within the budget');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const { rows: [b] } = await db.sql('SELECT status FROM vecfill.batches');
  assert.equal(b.status, 'validating', 'the ledger keeps what it knew');
});
