// Ingest through the CLI into the embedded database: float decimals are stored as exactly
// Math.fround(Number(text)), base64 as its bytes. The base64 input is ~6 MiB of COPY data, so its
// segment goes to PGlite in several blobs: every row of every blob must arrive, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/cli.js';
import { base64Of, okLine, prng } from './helpers/output.js';
import { pgliteDatabase, storedVectorIn } from './helpers/pglite.js';

test('float and base64 output into PGlite, values exact', async (t) => {
  const db = await pgliteDatabase(t);
  const floatRows = 200;
  const b64Rows = 1000;
  await db.use(async (c) => {
    await c.exec(`CREATE TABLE f (id bigint PRIMARY KEY, embedding vector(64));
                  CREATE TABLE b (id bigint PRIMARY KEY, embedding vector(1536))`);
    await c.query('INSERT INTO f (id) SELECT generate_series(1, $1::int)', [floatRows]);
    await c.query('INSERT INTO b (id) SELECT generate_series(1, $1::int)', [b64Rows]);
  });

  const rnd = prng(7);
  const decimals = new Map<number, string[]>();
  const floatLines: string[] = [];
  for (let id = floatRows; id >= 1; id--) {
    const values = Array.from({ length: 64 }, (_, k) => {
      const x = (rnd() - 0.5) * 10 ** -Math.floor(rnd() * 6);
      return k % 2 ? String(x) : Math.fround(x).toExponential(7);
    });
    decimals.set(id, values);
    floatLines.push(okLine(String(id), { raw: `[${values.join(',')}]` }));
  }
  const vectors = new Map<number, Float32Array>();
  const b64Lines: string[] = [];
  for (let id = 1; id <= b64Rows; id++) {
    const v = Float32Array.from({ length: 1536 }, () => rnd() * 2 - 1);
    vectors.set(id, v);
    b64Lines.push(okLine(String(id), base64Of(v)));
  }

  const f = await runCli(['ingest', '--db', db.url, '--table', 'f', '--json'], floatLines.join('\n') + '\n');
  assert.equal(f.code, 0, f.stderr);
  assert.equal(JSON.parse(f.stdout).rowsUpdated, floatRows);
  const b = await runCli(['ingest', '--db', db.url, '--table', 'b', '--json'], b64Lines.join('\n') + '\n');
  assert.equal(b.code, 0, b.stderr);
  assert.equal(JSON.parse(b.stdout).rowsUpdated, b64Rows);

  await db.use(async (c) => {
    for (const [id, texts] of decimals) {
      assert.deepEqual(Array.from((await storedVectorIn(c, 'f', id))!), texts.map((s) => Math.fround(Number(s))), `f row ${id}`);
    }
    const { rows } = await c.query('SELECT id, vector_send(embedding) AS v FROM b ORDER BY id');
    assert.equal(rows.length, b64Rows);
    for (const r of rows) {
      const want = Buffer.from(vectors.get(Number(r.id))!.buffer).swap32(); // vector_send: big-endian
      assert.ok((r.v as Buffer).subarray(4).equals(want), `b row ${r.id}`);
    }
  });
});
