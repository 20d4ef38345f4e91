// An input that fails halfway (a broken download, an unreadable file) fails the ingest with that error,
// promptly, and leaves the table as it was, also once segments before the failure were applied (counted
// by a statement trigger); a client the caller passed in is still usable afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { streamSource } from '../src/index.js';
// segmentBytes and beforeCommit are internal knobs (IngestInternals): ingestWith() takes them.
import { ingestWith as ingest } from '../src/ingest/ingest.js';
import { callersConnection, countUpdates, createTable, dropTable, snapshot, tableName } from './helpers/db.js';
import { okLine } from './helpers/output.js';

function failingInput(lines: string[], rounds: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent++ < rounds) this.push(lines.join('\n') + '\n');
      else this.destroy(new Error('connection reset while downloading'));
    },
  });
}

test('an input that errors midway fails the ingest with its error and changes nothing', async (t) => {
  const table = tableName('inerr');
  const ids = Array.from({ length: 50 }, (_, k) => k + 1);
  await createTable(table, ids);
  t.after(() => dropTable(table));
  const updates = await countUpdates(table);
  t.after(updates.drop);
  const before = await snapshot(table);
  const client = await callersConnection();
  t.after(() => client.close());
  const lines = ids.map((id) => okLine(String(id), [id, 0, 1]));
  await assert.rejects(
    ingest({ db: client.input, table, inputs: [streamSource('download', failingInput(lines, 3))], segmentBytes: 512 }),
    /connection reset while downloading/,
  );
  assert.ok((await updates.count()) >= 2, `segments were applied before the input failed (${await updates.count()} UPDATEs)`);
  assert.deepEqual(await snapshot(table), before, 'no row changed');
  const { rows } = await client.query('SELECT 1 AS ok');
  assert.equal(rows[0].ok, 1, 'the client is out of the failed transaction and usable');
});
