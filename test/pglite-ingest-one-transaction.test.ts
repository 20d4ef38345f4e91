// On the embedded database as on a server, an ingest is one transaction: when the UPDATE of its last
// segment fails, the segments applied before it roll back too, and the table is as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ingest, streamSource } from '../src/index.js';
import { okLine } from './helpers/output.js';
import { pgliteDatabase } from './helpers/pglite.js';

test('a failing UPDATE in the last segment leaves the table unchanged', async (t) => {
  const db = await pgliteDatabase(t);
  const rows = 400;
  const digest = `SELECT md5(string_agg(id || '=' || coalesce(embedding::text, 'null'), ',' ORDER BY id)) AS d FROM docs`;
  const lines = Array.from({ length: rows }, (_, k) => okLine(String(k + 1), [k, k + 0.5, -k]));
  await db.use(async (c) => {
    await c.exec(`CREATE TABLE docs (id bigint PRIMARY KEY, embedding vector(3));
      CREATE FUNCTION refuse_last() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.id = ${rows} THEN RAISE EXCEPTION 'row ${rows} refused'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_last BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION refuse_last();
      CREATE SEQUENCE updates;
      CREATE FUNCTION count_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('updates'); RETURN NULL; END $$;
      CREATE TRIGGER count_updates BEFORE UPDATE ON docs FOR EACH STATEMENT EXECUTE FUNCTION count_update();`);
    await c.query(`INSERT INTO docs (id, embedding) SELECT n, '[9,9,9]' FROM generate_series(1, $1::int) n`, [rows]);
    const before = (await c.query(digest)).rows[0].d;
    // Small segments: many UPDATEs run and succeed before the one that fails.
    await assert.rejects(
      ingest({ db: c, table: 'docs', inputs: [streamSource('out', Readable.from([lines.join('\n')]))], segmentBytes: 2048 }),
      /row 400 refused/,
    );
    // A sequence does not roll back: it counts the UPDATE statements that ran.
    const { rows: [u] } = await c.query('SELECT last_value AS n FROM updates');
    assert.ok(Number(u.n) > 5, `${u.n} UPDATEs ran before the failing one`);
    assert.equal((await c.query(digest)).rows[0].d, before, 'the table is as it was');
    // And the instance is usable afterwards: not left inside the failed transaction.
    const ok = await ingest({ db: c, table: 'docs', inputs: [streamSource('out', Readable.from([lines.slice(0, 10).join('\n')]))] });
    assert.equal(ok.rowsUpdated, 10);
  });
});
