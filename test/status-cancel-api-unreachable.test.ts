// status and cancel against an API that does not answer: each call is tried again (one line on stderr
// per wait) while --retry-for lasts, then the command exits 1 naming the call and the address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { run } from './helpers/run.js';
import { createServer } from 'node:net';
import { backoffBaseMs } from '../src/batch/api-retry.js';

/** A time as the CLI prints it (formatWait): "350 ms", "1.2 s", "2 min". */
function ms(text: string): number {
  const m = /^([\d.]+) (ms|s|min)$/.exec(text.trim());
  assert.ok(m, `a time: ${text}`);
  return Number(m[1]) * { ms: 1, s: 1000, min: 60_000 }[m[2] as 'ms' | 's' | 'min'];
}

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

  const budget = 1500;
  for (const command of ['status', 'cancel']) {
    const r = await run([command, '--db', db.url, '--retry-for', '1.5s'], '', env);
    assert.equal(r.code, 1, `${command}: ${r.stderr}`);
    const waits = r.stderr.split('\n').filter((l) => new RegExp(`^vecfill ${command}: (retrieve|cancel) batch ${id}: connection failed \\(.*\\); trying again in`).test(l));
    assert.ok(waits.length >= 2, `${command} retried, a line each:\n${r.stderr}`);
    const gaveUp = new RegExp(`vecfill ${command}: cannot (retrieve|cancel) batch ${id}: cannot reach ${address.replace(/[./]/g, '\\$&')}: connect ECONNREFUSED .*\\(gave up after (\\d+) tries in ([\\d.]+ m?s); --retry-for is 1\\.5 s\\)`).exec(r.stderr);
    assert.ok(gaveUp, `${command} gave up, naming the call and the address:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    // The times the command gives, not the test's clock (a child's start-up alone takes a second):
    // the waits it announced, and how long it tried. Each figure is rounded for display, to the ms
    // below a second and to 0.1 s above: 50 ms each at most.
    const tries = Number(gaveUp[2]);
    const spent = ms(gaveUp[3]);
    const waited = waits.reduce((sum, l) => sum + ms(/trying again in (.*)$/.exec(l)![1]), 0);
    const rounding = 50 * (waits.length + 1);
    assert.equal(waits.length, tries - 1, 'a wait after each try but the last');
    assert.ok(spent + rounding >= waited, `the waits were waited: tried for ${spent} ms, announced ${waited} ms`);
    assert.ok(waited <= budget + rounding, `no wait went past --retry-for: ${waited} ms`);
    // It gives up when the next wait would pass the budget; that wait is at most the backoff's ceiling.
    const ceiling = Math.min(60_000, backoffBaseMs() * 2 ** (tries - 1));
    assert.ok(spent + rounding + ceiling > budget, `it gave up only when the next wait could pass --retry-for (tried for ${spent} ms)`);
  }
  const { rows: [b] } = await db.sql('SELECT status FROM vecfill.batches');
  assert.equal(b.status, 'validating', 'the ledger keeps what it knew');
});
