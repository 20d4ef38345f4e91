// staging: 'unlogged', its second connection terminated mid-ingest (pg_terminate_backend): the ingest
// fails with the server's reason and the table is as it was; the ingest's own connection drops the
// staging tables after its ROLLBACK. With both connections terminated (a crash: nobody is left to
// drop them) the tables stay, and the next unlogged ingest drops them and names them on stderr (log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ingestWith as ingest } from '../src/ingest/ingest.js';
import { waitForBackendGone } from './helpers/activity.js';
import { createTable, DB_URL, dropTable, serverOnly, sql, storedVector, tableDigest, tableName, until } from './helpers/db.js';
import { okLine } from './helpers/output.js';
import { ownStagingBackend, stagingTables, twoParts, type StagingBackend } from './helpers/staging.js';

const SERVER = serverOnly('terminates the staging backend from another session');
const IDS = Array.from({ length: 40 }, (_, k) => k + 1);
const LINES = IDS.map((id) => okLine(String(id), [id, -id, id / 4]));
const FIRST = LINES.slice(0, 20).join('\n') + '\n';
const SECOND = LINES.slice(20).join('\n') + '\n';
/** What an ingest whose connection was terminated fails with: the server's reason, or the lost
 *  connection named as such. Anything else (a test step that threw inside the input) is not it. */
const TERMINATED = /terminating connection due to administrator command|lost the connection to the database/;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const table = tableName('stgkill');
  await createTable(table, IDS);
  t.after(() => dropTable(table));
  await sql(`UPDATE ${table} SET embedding = '[9,9,9]' WHERE id % 4 = 0`);
  return { table, before: await tableDigest(table) };
}

/** Ingests FIRST, then — with staging tables there and a segment applied — terminates `which`
 *  backends and waits until they are gone, then goes on with SECOND. */
async function ingestTerminating(table: string, which: (b: StagingBackend) => number[], log?: (line: string) => void) {
  let backend: StagingBackend | undefined;
  const between = async () => {
    backend = await ownStagingBackend();
    await until(async () => (await stagingTables(backend!.ingestPid)).length >= 2, 'staging tables while the ingest runs');
    const pids = which(backend);
    const { rows } = await sql('SELECT pg_terminate_backend(pid) AS done FROM unnest($1::int[]) AS pid', [pids]);
    assert.ok(rows.every((r) => r.done), 'terminated');
    for (const pid of pids) await waitForBackendGone(pid);
  };
  const run = ingest({ db: DB_URL, table, staging: 'unlogged', inputs: [{ name: 'in', open: () => twoParts(FIRST, SECOND, between) }], segmentBytes: 200, log });
  return { run, backend: () => backend! };
}

test('the staging connection terminated: the ingest fails, the table is as it was, no table left', SERVER, async (t) => {
  const { table, before } = await setup(t);
  const ingesting = await ingestTerminating(table, (b) => [b.pid]);
  await assert.rejects(ingesting.run, TERMINATED);
  assert.equal(await tableDigest(table), before, 'the table is as it was');
  assert.deepEqual(await stagingTables(ingesting.backend().ingestPid), [], "the ingest's connection dropped them");
});

test('both connections terminated: the tables stay, and the next unlogged ingest drops them and says so', SERVER, async (t) => {
  const { table, before } = await setup(t);
  const crashed = await ingestTerminating(table, (b) => [b.pid, b.ingestPid]);
  await assert.rejects(crashed.run, TERMINATED);
  assert.equal(await tableDigest(table), before, 'the table is as it was');
  const left = await stagingTables(crashed.backend().ingestPid);
  assert.ok(left.length >= 2, `the crashed run's tables are there (${left.length})`);

  const log: string[] = [];
  const summary = await ingest({ db: DB_URL, table, staging: 'unlogged', inputs: [Buffer.from(FIRST + SECOND)].map((b) => (async function* () { yield b; })()), log: (line) => log.push(line) });
  assert.equal(summary.rowsUpdated, IDS.length);
  assert.deepEqual(Array.from((await storedVector(table, 8))!), [8, -8, 2]);
  assert.deepEqual(await stagingTables(crashed.backend().ingestPid), [], 'the leftovers are gone');
  const sweep = log.find((l) => l.startsWith('dropped '));
  assert.ok(sweep, `the sweep is logged: ${JSON.stringify(log)}`);
  for (const name of left) assert.ok(sweep.includes(`"vecfill_staging"."${name}"`), `${name} is named`);
});
