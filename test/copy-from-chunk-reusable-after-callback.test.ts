// A COPY stream's write callback hands the chunk back to the writer (CopyIn, db.ts): the ingest's chunk
// pool fills it again at once. Here every chunk is overwritten with garbage the moment its callback
// runs, while a slow table keeps the socket full (a trigger sleeps per row): a chunk the adapter still
// held would reach the database garbled, and the rows would not be the ones written.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { from } from 'pg-copy-streams';
import { guarded } from '../src/db/postgres.js';
import { ON_PGLITE, testDb } from './helpers/db.js';

const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

/** One binary COPY row (id int8, payload bytea). */
function row(id: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(2 + 4 + 8 + 4 + payload.length);
  let p = b.writeInt16BE(2, 0);
  p = b.writeInt32BE(8, p);
  p = b.writeBigInt64BE(BigInt(id), p);
  p = b.writeInt32BE(payload.length, p);
  payload.copy(b, p);
  return b;
}

test('a chunk may be filled again once its write has called back: the database got the bytes written', async () => {
  const db = await testDb();
  await db.exec(`DROP TABLE IF EXISTS reuse_chunks;
    CREATE TABLE reuse_chunks (id int8, payload bytea);
    CREATE FUNCTION pg_temp.slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.0002); RETURN NEW; END $$;`);
  // Server only: PGlite runs in this thread, so nothing of its can lag behind a callback.
  if (!ON_PGLITE) await db.exec('CREATE TRIGGER slow BEFORE INSERT ON reuse_chunks FOR EACH ROW EXECUTE FUNCTION pg_temp.slow()');

  // Big chunks (many rows, beyond any socket's high-water mark) and small ones (one row) in turn.
  const expected = createHash('md5');
  let id = 0;
  const chunks: Buffer[] = [HEADER];
  for (let round = 0; round < 60; round++) {
    const rows: Buffer[] = [];
    for (let i = 0; i < 64; i++) rows.push(row(++id, Buffer.alloc(4000, id % 251)));
    chunks.push(Buffer.concat(rows), row(++id, Buffer.alloc(100, id % 251)));
  }
  for (let i = 1; i <= id; i++) expected.update(Buffer.alloc(i % 65 === 0 ? 100 : 4000, i % 251));
  chunks.push(Buffer.from([0xff, 0xff]));

  await db.query('BEGIN');
  try {
    const copy = db.copyFrom('COPY reuse_chunks (id, payload) FROM STDIN (FORMAT binary)', { highWaterMark: 1 << 20 });
    const sent = copy.send();
    for (const chunk of chunks) {
      const ok = copy.stream.write(chunk, (err) => { if (!err) chunk.fill(0xab); });
      if (!ok) await new Promise((resolve) => copy.stream.once('drain', resolve));
    }
    copy.stream.end();
    await sent;
    const { rows: [r] } = await db.query<{ n: string; sum: string; md5: string }>(
      `SELECT count(*) AS n, sum(id) AS sum, md5(string_agg(payload, ''::bytea ORDER BY id)) AS md5 FROM reuse_chunks`,
    );
    assert.equal(Number(r.n), id);
    assert.equal(Number(r.sum), (id * (id + 1)) / 2);
    assert.equal(r.md5, expected.digest('hex'), 'every payload as written');
  } finally {
    await db.query('ROLLBACK');
  }
});

// The case the test above can only hope to meet: a chunk smaller than the socket's high-water mark,
// written while the socket is still busy, is accepted (write() answers true) and queued. The callback
// must wait until the socket has really sent it.
test('a small chunk queued in a busy socket calls back only once the socket has sent it', async () => {
  const sentAt: number[] = [];
  const socket = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      setTimeout(() => { sentAt.push(chunk.length); done(); }, 20); // the kernel buffer is full for a while
    },
  });
  const copy = guarded(from('COPY t FROM STDIN')) as unknown as Writable & { connection: unknown; _gotCopyInResponse: boolean };
  copy.connection = { stream: socket };
  copy._gotCopyInResponse = true;
  copy.uncork();
  const small = Buffer.alloc(100, 1);
  const calledBack = new Promise<number>((resolve) => copy.write(small, () => resolve(sentAt.filter((n) => n > 0).length)));
  assert.equal(await calledBack, 2, 'called back after the socket sent both the message header and the chunk');
});
