// The default budgets of --retry-for, as the README gives them: run keeps trying each API call for 30
// minutes; submit, status, cancel and ingest --batch for 2. Nobody waits half an hour in a test: the
// server answers each command's first call with a 429 whose Retry-After is just past the budget, so
// the command gives up at once, and its message names the budget it had ("2 min" is [120 s, 150 s),
// and a Retry-After of 121 s was too long for it). The five commands run side by side, each with a
// fault of its own (a call only it makes), in this process (the CLI's main(), as on the embedded
// database): five CLI start-ups would cost more than the rest of the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepare } from '../src/batch/prepare.js';
import { docsTable, fakeOpenAI, freshDatabase, submitRows, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import type { FlakyRequest } from './helpers/openai-server.js';
import { runMain } from './helpers/main-in-process.js';
import { RUN_ARGS } from './helpers/run-fill.js';

// A budget longer than the README's would wait out the 121 s: the timeout fails the test sooner.
test('no --retry-for: run tries each call for 30 minutes, submit, status, cancel and ingest --batch for 2', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two'], [3, 'three']]);
  const { files: [unsent] } = await prepare({ db: db.url, table: 'docs', textColumn: 'body', where: 'id = 3', out: dir.path('unsent') });
  const [a] = await submitRows(db, server, dir.path('a'), { where: 'id = 1', runId: 'budget-a' });
  const [b] = await submitRows(db, server, dir.path('b'), { where: 'id = 2', runId: 'budget-b' });
  const v = vecfill(db, server);

  /** Runs the command with the one call `first` picks answered 429 "come back in `seconds`". */
  const tooLong = async (seconds: number, first: (q: FlakyRequest) => boolean, args: string[]) => {
    server.state.failNextRequests(1, first, { status: 429, retryAfterMs: seconds * 1000 });
    const r = await runMain([args[0], '--db', db.url, ...args.slice(1)], '', v.env);
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.equal(server.state.requests.slice(from).filter(first).length, 1, `${args[0]}: that call was not tried again`);
    return r.stderr;
  };
  const from = server.state.requests.length;
  const is = (method: string, path: string) => (q: FlakyRequest) => q.method === method && q.path === path;
  const started = Date.now();
  const [submit, status, cancel, ingest, run] = await Promise.all([
    tooLong(121, is('POST', '/v1/files'), ['submit', unsent.path]),
    tooLong(121, is('GET', `/v1/batches/${a}`), ['status', '--run', 'budget-a']),
    tooLong(121, is('POST', `/v1/batches/${a}/cancel`), ['cancel', a]),
    tooLong(121, is('GET', `/v1/batches/${b}`), ['ingest', '--batch', b]),
    tooLong(30 * 60 + 1, is('GET', '/v1/batches'), RUN_ARGS),
  ]);
  assert.ok(Date.now() - started < 30_000, 'each gave up at once');
  const gaveUp = (doing: string, budget: string) =>
    new RegExp(`cannot ${doing}: 429 .*\\(gave up after 1 try in \\d+ ms; --retry-for is ${budget}\\)`);
  assert.match(submit, gaveUp(`upload ${unsent.path}`, '2 min'));
  assert.match(status, gaveUp(`retrieve batch ${a}`, '2 min'));
  assert.match(cancel, gaveUp(`cancel batch ${a}`, '2 min'));
  assert.match(ingest, gaveUp(`retrieve batch ${b}`, '2 min'));
  assert.match(run, gaveUp('list batches', '30 min'));
  assert.equal(server.state.batches.size, 2, 'nothing submitted');
});
