// staging: 'unlogged' (a second connection fills UNLOGGED tables while the ingest's transaction applies
// the segment before) gives exactly what temp staging gives: the same stored float32 values, the same
// summary and rejects, over many segments with ids repeated across them, unknown ids and a bad line;
// the same for a halfvec column whose HNSW index is rebuilt. Its tables exist while the ingest runs
// and none is left after it: after success, after an input that fails (the table untouched), after a
// dry run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestSummary, RejectRecord, StagingMode } from '../src/index.js';
// segmentBytes is an internal knob (IngestInternals): ingestWith() takes it.
import { ingestWith as ingest } from '../src/ingest/ingest.js';
import { createTable, DB_URL, dropTable, serverOnly, sql, storedVector, tableDigest, tableName, until } from './helpers/db.js';
import { okLine } from './helpers/output.js';
import { ownStagingBackend, stagingTables, twoParts } from './helpers/staging.js';

const SERVER = serverOnly('a second session fills the staging tables');
const IDS = Array.from({ length: 20 }, (_, k) => k + 1);

/** Three rounds over the ids (even ids three times: the last line wins), an unknown id per round, a
 *  line that is no JSON, as two halves of text. */
function input(): [string, string] {
  const lines: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const id of IDS) {
      if (round > 0 && id % 2 === 1) continue;
      lines.push(okLine(String(id), [id / 3, round - 0.1, Math.fround(id * round * 1.7)]));
    }
    lines.push(okLine(String(1000 + round), [0, 0, 0]));
    if (round === 1) lines.push('{"custom_id": "7", this is not json');
  }
  const half = Math.floor(lines.length / 2);
  return [lines.slice(0, half).join('\n') + '\n', lines.slice(half).join('\n') + '\n'];
}

/** The same bytes for every ingest of the file (the line builder numbers its request ids). */
const INPUT = input();

/** What must be equal between the two modes: the summary without its timings, and without the names
 *  of the table and its index. */
function comparable(s: IngestSummary): object {
  const { seconds, phases, rowsPerSecond, mbPerSecond, table, vectorIndexes, ...rest } = s;
  return { ...rest, vectorIndexes: vectorIndexes.map((i) => [i.method, i.action]) };
}

async function vectors(table: string): Promise<(number[] | null)[]> {
  return Promise.all(IDS.map(async (id) => {
    const v = await storedVector(table, id);
    return v && Array.from(v);
  }));
}

/** The ingest of input() into a fresh table; with unlogged staging, checks its tables while it runs. */
async function ingestInto(t: { after(fn: () => Promise<void>): void }, staging: StagingMode,
  opts: { vectorType?: string; setup?: (table: string) => Promise<void>; dryRun?: boolean; index?: 'rebuild' } = {}) {
  const table = tableName('stg');
  await createTable(table, IDS, opts.vectorType);
  t.after(() => dropTable(table));
  await opts.setup?.(table);
  const rejects: RejectRecord[] = [];
  let ingestPid: number | undefined;
  const [first, second] = INPUT;
  const summary = await ingest({
    db: DB_URL, table, staging, dryRun: opts.dryRun, index: opts.index,
    inputs: [{ name: 'in', open: () => twoParts(first, second, async () => {
      if (staging !== 'unlogged') return;
      ingestPid = (await ownStagingBackend()).ingestPid;
      await until(async () => (await stagingTables(ingestPid!)).length >= 2, 'staging tables while the ingest runs');
    }) }],
    onReject: (r) => rejects.push(r),
    segmentBytes: 200, // about five rows of vector(3) per segment
  });
  if (staging === 'unlogged') assert.deepEqual(await stagingTables(ingestPid!), [], 'no staging table left');
  return { table, summary, rejects };
}

test('unlogged staging stores the same vectors, summary and rejects as temp staging, and leaves no table', SERVER, async (t) => {
  const temp = await ingestInto(t, 'temp');
  const unlogged = await ingestInto(t, 'unlogged');
  assert.deepEqual(comparable(unlogged.summary), comparable(temp.summary));
  const named = (rejects: RejectRecord[], table: string) => JSON.stringify(rejects).split(table).join('TABLE');
  assert.equal(named(unlogged.rejects, unlogged.table), named(temp.rejects, temp.table));
  assert.deepEqual(await vectors(unlogged.table), await vectors(temp.table));
  // And what that is: the last line of each id, unknown ids, the bad line.
  assert.equal(unlogged.summary.rowsUpdated, 20);
  assert.equal(unlogged.summary.duplicates, 20);
  assert.equal(unlogged.summary.unknownIds, 3);
  assert.deepEqual(unlogged.summary.rejectedByReason, { malformed_json: 1, unknown_id: 3 });
  assert.deepEqual(Array.from((await storedVector(unlogged.table, 4))!), [4 / 3, 2 - 0.1, Math.fround(4 * 2 * 1.7)].map(Math.fround));
});

test('halfvec with its HNSW index rebuilt: the same with either staging', SERVER, async (t) => {
  const setup = (table: string) => sql(`CREATE INDEX ${table}_hnsw ON ${table} USING hnsw (embedding halfvec_l2_ops)`).then(() => {});
  const temp = await ingestInto(t, 'temp', { vectorType: 'halfvec(3)', setup, index: 'rebuild' });
  const unlogged = await ingestInto(t, 'unlogged', { vectorType: 'halfvec(3)', setup, index: 'rebuild' });
  assert.deepEqual(comparable(unlogged.summary), comparable(temp.summary));
  assert.equal(unlogged.summary.vectorIndexes.length, 1);
  const text = async (table: string) => (await sql(`SELECT string_agg(id || ':' || embedding::text, ' ' ORDER BY id) AS s FROM ${table}`)).rows[0].s;
  assert.equal(await text(unlogged.table), await text(temp.table));
  const def = async (table: string) => (await sql(`SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND indexname LIKE '%hnsw'`, [table])).rows[0]?.indexdef;
  assert.equal(await def(unlogged.table), `CREATE INDEX ${unlogged.table}_hnsw ON public.${unlogged.table} USING hnsw (embedding halfvec_l2_ops)`);
});

test('a dry run counts the same, changes nothing and leaves no table', SERVER, async (t) => {
  const temp = await ingestInto(t, 'temp', { dryRun: true });
  const unlogged = await ingestInto(t, 'unlogged', { dryRun: true });
  assert.deepEqual(comparable(unlogged.summary), comparable(temp.summary));
  assert.equal(unlogged.summary.rowsUpdated, 20);
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${unlogged.table} WHERE embedding IS NOT NULL`)).rows[0].n, 0);
});

test('an input that fails half-way: the table untouched, no table left', SERVER, async (t) => {
  const table = tableName('stg');
  await createTable(table, IDS);
  t.after(() => dropTable(table));
  await sql(`UPDATE ${table} SET embedding = '[1,2,3]' WHERE id % 3 = 0`);
  const before = await tableDigest(table);
  const [first] = INPUT;
  let ingestPid: number | undefined;
  async function* failing(): AsyncGenerator<Buffer> {
    yield Buffer.from(first);
    ingestPid = (await ownStagingBackend()).ingestPid;
    await until(async () => (await stagingTables(ingestPid!)).length >= 2, 'staging tables while the ingest runs');
    throw new Error('the input broke');
  }
  await assert.rejects(ingest({ db: DB_URL, table, staging: 'unlogged', inputs: [{ name: 'in', open: failing }], segmentBytes: 200 }), /the input broke/);
  assert.equal(await tableDigest(table), before, 'the table is as it was');
  assert.deepEqual(await stagingTables(ingestPid!), [], 'no staging table left');
});
