// prepare's --where is pasted into its query as written (raw SQL, by design), but the query stays one
// statement inside a READ ONLY transaction: a --where that closes the condition and goes on with
// statements of its own ("true); COMMIT; DROP TABLE docs; …") is an error, and nothing changes. With
// and without the ledger (which decides whether the query has parameters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { prepare } from '../src/batch/prepare.js';
import { ensureLedger } from '../src/batch/ledger.js';
import { openDb } from '../src/db/open.js';
import { docsTable, freshDatabase, vecfill, type TestDb } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

const ESCAPES = [
  'true); COMMIT; DROP TABLE docs; --',
  'true); COMMIT; DROP TABLE docs; SELECT 1 AS id FROM (SELECT 1 AS id) t WHERE (true',
  'true); COMMIT; DROP TABLE docs; COMMIT; SELECT (1',
  "true); COMMIT; UPDATE docs SET body = 'changed'; COMMIT; SELECT (1",
  "true); END; INSERT INTO canary VALUES ('written'); SELECT (1",
  "true);\nCOMMIT;\nDELETE FROM docs;\nSELECT 1 AS id FROM (SELECT 1 AS id) t WHERE (true",
];

async function state(db: TestDb): Promise<string> {
  const docs = await db.sql(`SELECT to_regclass('docs') IS NOT NULL AS there`);
  if (!docs.rows[0].there) return 'docs dropped';
  const { rows } = await db.sql(`SELECT (SELECT json_agg(d ORDER BY id) FROM docs d) AS docs, (SELECT json_agg(c) FROM canary c) AS canary`);
  return JSON.stringify(rows[0]);
}

async function setUp(t: import('node:test').TestContext, ledger: boolean): Promise<TestDb> {
  const db = await freshDatabase(t);
  await docsTable(db, [[1, 'one'], [2, 'two'], [3, null]], 'vector(3)');
  await db.sql('CREATE TABLE canary (what text)');
  if (ledger) {
    const c = await openDb(db.url);
    await ensureLedger(c).finally(() => c.close());
  }
  return db;
}

for (const ledger of [false, true]) {
  test(`a --where that goes on with statements of its own is an error and changes nothing (${ledger ? 'with' : 'without'} the ledger)`, async (t) => {
    const db = await setUp(t, ledger);
    const before = await state(db);
    const dir = await tempDir();
    t.after(dir.cleanup);
    for (const [k, where] of ESCAPES.entries()) {
      await assert.rejects(
        prepare({ db: db.url, table: 'docs', textColumn: 'body', dimensions: 3, where, out: dir.path(`out${k}`) }),
        /--where .*(one condition, not several statements|syntax error)/,
        where,
      );
      assert.equal(await state(db), before, `after --where ${JSON.stringify(where)}`);
    }
    assert.deepEqual(await readdir(dir.dir), [], 'no request file written');
  });

  test(`a --where runs read-only (${ledger ? 'with' : 'without'} the ledger)`, async (t) => {
    const db = await setUp(t, ledger);
    await db.sql(`CREATE FUNCTION scribble() RETURNS boolean LANGUAGE sql VOLATILE AS $$ INSERT INTO canary VALUES ('written') RETURNING true $$`);
    const before = await state(db);
    const dir = await tempDir();
    t.after(dir.cleanup);
    await assert.rejects(
      prepare({ db: db.url, table: 'docs', textColumn: 'body', dimensions: 3, where: 'scribble()', out: dir.dir }),
      /cannot execute INSERT in a read-only transaction/,
    );
    assert.equal(await state(db), before);
  });
}

test('a plain --where still selects the rows, and the CLI reports an escape without a stack trace', async (t) => {
  const db = await setUp(t, false);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const ok = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--dimensions', '3', '--where', "body <> 'two' -- a comment", '--out', dir.path('a'), '--json');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).requests, 1);

  const before = await state(db);
  const bad = await vecfill(db)('prepare', '--table', 'docs', '--text-column', 'body', '--dimensions', '3', '--where', ESCAPES[1], '--out', dir.path('b'));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^vecfill prepare: --where ".*": one condition, not several statements: cannot insert multiple commands into a prepared statement; nothing was changed\n$/);
  assert.equal(await state(db), before);
});
