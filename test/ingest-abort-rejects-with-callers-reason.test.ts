// A library caller's abort comes back as its own signal.reason (the very value, Error or not), however
// far the ingest got: before it started, while the input is idle, mid-stream with segments queued on
// the database. The table is unchanged each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamSource } from '../src/index.js';
// segmentBytes and beforeCommit are internal knobs (IngestInternals): ingestWith() takes them.
import { ingestWith as ingest } from '../src/ingest/ingest.js';
import { createTable, DB_URL, dropTable, snapshot, tableName } from './helpers/db.js';
import { okLine } from './helpers/output.js';

const ROWS = 1000;

/** Lines without end; aborts `ac` with `reason` after `after` lines. */
function endless(ac: AbortController, reason: unknown, after: number): AsyncIterable<Buffer> {
  return (async function* () {
    for (let k = 0; ; k++) {
      yield Buffer.from(okLine(String((k % ROWS) + 1), [k, 1, 2]) + '\n');
      if (k === after) ac.abort(reason);
      if (k % 50 === 0) await new Promise((r) => setImmediate(r));
    }
  })();
}

async function table(t: import('node:test').TestContext): Promise<{ name: string; unchanged(): Promise<void> }> {
  const name = tableName('abort');
  await createTable(name, Array.from({ length: ROWS }, (_, k) => k + 1));
  t.after(() => dropTable(name));
  const before = await snapshot(name);
  return { name, unchanged: async () => assert.deepEqual(await snapshot(name), before, 'no row changed') };
}

for (const [what, reason] of [['an Error', new Error('the caller stops')], ['a string', 'stop'], ['an object', { why: 'stop' }]] as const) {
  test(`mid-stream, across segments: rejects with the caller's reason (${what})`, async (t) => {
    const target = await table(t);
    const ac = new AbortController();
    await assert.rejects(
      ingest({ db: DB_URL, table: target.name, inputs: [streamSource('gen', endless(ac, reason, 3000))], signal: ac.signal, segmentBytes: 4096 }),
      (e) => e === reason,
    );
    await target.unchanged();
  });
}

test("an abort without a reason rejects with the signal's own AbortError", async (t) => {
  const target = await table(t);
  const ac = new AbortController();
  await assert.rejects(
    ingest({ db: DB_URL, table: target.name, inputs: [streamSource('gen', endless(ac, undefined, 200))], signal: ac.signal }),
    (e) => e === ac.signal.reason && (e as Error).name === 'AbortError',
  );
  await target.unchanged();
});

test('while the input sends nothing: rejects with the reason at once', async (t) => {
  const target = await table(t);
  const ac = new AbortController();
  const reason = new Error('idle stop');
  async function* idle() {
    yield Buffer.from(okLine('1', [1, 2, 3]) + '\n');
    await new Promise(() => {}); // a pipe that never sends again
  }
  setTimeout(() => ac.abort(reason), 200);
  await assert.rejects(ingest({ db: DB_URL, table: target.name, inputs: [streamSource('idle', idle())], signal: ac.signal }), (e) => e === reason);
  await target.unchanged();
});

test('a signal aborted before the call: rejects with its reason, no input opened', async (t) => {
  const target = await table(t);
  const reason = new Error('too late');
  let opened = false;
  const source = { name: 'never', open: () => { opened = true; return endless(new AbortController(), null, Infinity); } };
  await assert.rejects(ingest({ db: DB_URL, table: target.name, inputs: [source], signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.equal(opened, false);
  await target.unchanged();
});
