// staging: 'unlogged' is refused, with the fix in the message, where it cannot work or is not needed:
// on the embedded database (one session: no second connection), with --commit-every (each group
// commits on its own), with a connection that is not a string (a second one cannot be opened from
// it), and a mode that is neither temp nor unlogged. Nothing is opened or read first. Without the
// CREATE privilege (a server only), the error names the privilege and --staging temp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import pg from 'pg';
import { ingest, UsageError } from '../src/index.js';
import { runCli } from './helpers/cli.js';
import { createTable, DB_URL, dropTable, serverOnly, sql, tableName } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { okLine } from './helpers/output.js';

const never = () => Readable.from((async function* () { throw new Error('the input was read'); })());

test('refused on the embedded database (pglite:), which has one session', async (t) => {
  const dir = await tempDir();
  t.after(dir.cleanup);
  await assert.rejects(ingest({ db: `pglite:${dir.path('db')}`, table: 'docs', staging: 'unlogged', inputs: [never()] }),
    (err: Error) => err instanceof UsageError && /embedded database \(pglite:\) has one.*--staging temp/.test(err.message));
});

test('refused with --commit-every, which does not need it (CLI: exit 2)', async () => {
  await assert.rejects(ingest({ db: DB_URL, table: 'docs', staging: 'unlogged', commitEvery: 100, inputs: [never()] }),
    (err: Error) => err instanceof UsageError && /--staging unlogged is not needed with --commit-every/.test(err.message));
  const res = await runCli(['ingest', '--db', DB_URL, '--table', 'docs', '--staging', 'unlogged', '--commit-every', '100', '-'], '');
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /--staging unlogged is not needed with --commit-every .*use one or the other/);
});

test('refused: a mode that is neither temp nor unlogged, and with --batch', async () => {
  const res = await runCli(['ingest', '--db', DB_URL, '--table', 'docs', '--staging', 'logged', '-'], '');
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /--staging is temp or unlogged, not "logged"/);
  const batch = await runCli(['ingest', '--db', DB_URL, '--batch', 'batch_1', '--staging', 'unlogged'], '', { OPENAI_API_KEY: 'sk-test' });
  assert.equal(batch.code, 2, batch.stderr);
  assert.match(batch.stderr, /--staging goes with files/);
});

test('refused with a connection of the caller (no URL to open a second one from)', serverOnly('a pg client'), async (t) => {
  const client = new pg.Client({ connectionString: DB_URL });
  await client.connect();
  t.after(() => client.end());
  await assert.rejects(ingest({ db: client, table: 'docs', staging: 'unlogged', inputs: [never()] }),
    (err: Error) => err instanceof UsageError && /pass db as a connection string/.test(err.message));
});

test('a user without CREATE on the database is told the privilege and --staging temp', serverOnly('roles and privileges'), async (t) => {
  const table = tableName('stgpriv');
  const role = `${table}_user`;
  await createTable(table, [1]);
  await sql(`CREATE ROLE ${role} LOGIN`);
  t.after(async () => {
    await dropTable(table);
    await sql(`DROP ROLE IF EXISTS ${role}`);
  });
  await sql(`GRANT SELECT, UPDATE ON ${table} TO ${role}`);
  const { rows: [{ db, schema }] } = await sql(`SELECT current_database() AS db,
    (SELECT has_schema_privilege($1, oid, 'CREATE') FROM pg_namespace WHERE nspname = 'vecfill_staging') AS schema`, [role]);
  assert.notEqual(schema, true, 'the role can create in the schema already');
  const url = new URL(DB_URL);
  url.username = role;
  url.password = '';
  const res = await runCli(['ingest', '--db', url.toString(), '--table', table, '--staging', 'unlogged', '-'], okLine('1', [1, 2, 3]) + '\n');
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, new RegExp(`needs the CREATE privilege on (database "${db}"|schema vecfill_staging) .*; without it, use --staging temp`));
  assert.equal((await sql(`SELECT embedding FROM ${table}`)).rows[0].embedding, null);
});
