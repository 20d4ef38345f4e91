// An ingest that fails closes the input it was reading, whatever failed: the database (an UPDATE that
// errors while the input goes on), the rejects sink, an abort. A library input's iterator gets its
// return() call (as for-await would give it), so a caller's stream or an API download stops; a file's
// handle is closed by the time ingest() rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { InputSource } from '../src/index.js';
// segmentBytes and beforeCommit are internal knobs (IngestInternals): ingestWith() takes them.
import { ingestWith as ingest } from '../src/ingest/ingest.js';
import { createTable, DB_URL, dropTable, snapshot, sql, tableName, until } from './helpers/db.js';
import { tempDir, writeLines } from './helpers/files.js';
import { okLine } from './helpers/output.js';

const ROWS = 500;

/** An endless input whose iterator counts the calls of its return(); `onRead` sees each line's number
 *  as it is read. */
function recordingSource(line: (k: number) => string, onRead: (k: number) => void = () => {}): { source: InputSource; returned(): number } {
  let returned = 0;
  let k = 0;
  const iterator: AsyncIterator<Buffer> = {
    async next() {
      onRead(k);
      if (k % 50 === 0) await new Promise((r) => setImmediate(r));
      return { done: false, value: Buffer.from(line(k++) + '\n') };
    },
    async return() {
      returned++;
      return { done: true, value: undefined };
    },
  };
  return { source: { name: 'recorded', open: () => ({ [Symbol.asyncIterator]: () => iterator }) }, returned: () => returned };
}

const good = (k: number) => okLine(String((k % ROWS) + 1), [k, 1, 2]);

async function target(t: import('node:test').TestContext, refuseUpdates = false): Promise<{ name: string; unchanged(): Promise<void> }> {
  const name = tableName('close');
  await createTable(name, Array.from({ length: ROWS }, (_, k) => k + 1));
  t.after(() => dropTable(name));
  if (refuseUpdates) {
    await sql(`CREATE FUNCTION ${name}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the target refuses updates'; END $$`);
    await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${name} FOR EACH ROW EXECUTE FUNCTION ${name}_refuse()`);
    t.after(() => sql(`DROP FUNCTION IF EXISTS ${name}_refuse() CASCADE`));
  }
  const before = await snapshot(name);
  return { name, unchanged: async () => assert.deepEqual(await snapshot(name), before, 'no row changed') };
}

test('an UPDATE that fails while the input goes on: the input is closed', async (t) => {
  const table = await target(t, true);
  const input = recordingSource(good);
  await assert.rejects(ingest({ db: DB_URL, table: table.name, inputs: [input.source], segmentBytes: 2048 }), /the target refuses updates/);
  assert.equal(input.returned(), 1);
  await table.unchanged();
});

test('a rejects sink that fails: the input is closed', async (t) => {
  const table = await target(t);
  const input = recordingSource((k) => `{"custom_id": "${k}", not json`);
  const rejects = new Writable({ write: (_chunk, _enc, done) => done(new Error('the sink is full')) });
  await assert.rejects(ingest({ db: DB_URL, table: table.name, inputs: [input.source], rejects }), /cannot write the rejects.*the sink is full/);
  assert.equal(input.returned(), 1);
  await table.unchanged();
});

test('an abort: the input is closed', async (t) => {
  const table = await target(t);
  const ac = new AbortController();
  // Aborted while the input is read (a timer could fire before a loaded machine even opened it).
  const input = recordingSource(good, (k) => k === 2000 && ac.abort(new Error('stop')));
  await assert.rejects(ingest({ db: DB_URL, table: table.name, inputs: [input.source], signal: ac.signal }), /^Error: stop$/);
  // A read under way when the abort lands is not waited for: the input is closed once it ends, which
  // may be after the ingest has rolled back (at once, on the embedded database).
  await until(async () => input.returned() > 0, 'the input is closed', 5_000);
  assert.equal(input.returned(), 1);
  await table.unchanged();
});

test("a file's handle is closed when the ingest fails midway", async (t) => {
  const table = await target(t, true);
  const dir = await tempDir();
  t.after(dir.cleanup);
  // 4 MB: many reads of 512 KiB, so the failure lands while the file still has bytes to give.
  const lines = Array.from({ length: 4 * 1024 * 1024 / 200 }, (_, k) => okLine(String((k % ROWS) + 1), [k, 1, 2]).padEnd(200, ' '));
  const file = await writeLines(dir.path('out.jsonl'), lines);
  const ok = tableName('warm');
  await createTable(ok, [1]);
  t.after(() => dropTable(ok));
  await ingest({ db: DB_URL, table: ok, inputs: [file] }); // whatever a first ingest opens for good
  const openFds = () => readdirSync('/proc/self/fd').length;
  const before = openFds();
  await assert.rejects(ingest({ db: DB_URL, table: table.name, inputs: [file], segmentBytes: 2048 }), /the target refuses updates/);
  assert.equal(openFds(), before, 'no descriptor left open');
  await table.unchanged();
});
