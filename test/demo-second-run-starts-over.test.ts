// A second vecfill demo starts over: demo_docs holds exactly the texts asked for, nothing of the table
// before it, and the ledger only the second demo's batches (the first one's emulator is gone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDatabase } from './helpers/batch.js';
import { run } from './helpers/run.js';

test('a second vecfill demo drops what the first left and fills the table anew', async (t) => {
  const db = await freshDatabase(t);
  const first = await run(['demo', '--db', db.url, '--rows', '600']);
  assert.equal(first.code, 0, first.stderr);
  await db.sql("INSERT INTO demo_docs (id, topic, body) VALUES (99999, 'left over', 'a row the demo did not write')");
  // A batch of the first demo still in flight, as if it had been stopped half-way.
  await db.sql("UPDATE vecfill.batches SET status = 'in_progress', ingested_at = NULL WHERE batch_id = (SELECT min(batch_id) FROM vecfill.batches)");

  const second = await run(['demo', '--db', db.url, '--rows', '120']);
  assert.equal(second.code, 0, second.stderr);
  const { rows: [c] } = await db.sql('SELECT count(*)::int AS rows, count(embedding)::int AS filled, max(id)::int AS last FROM demo_docs');
  assert.deepEqual(c, { rows: 120, filled: 120, last: 120 });
  const { rows: runs } = await db.sql("SELECT count(DISTINCT run_id)::int AS runs, count(*) FILTER (WHERE ingested_at IS NULL)::int AS pending FROM vecfill.batches WHERE table_name = 'demo_docs'");
  assert.deepEqual(runs[0], { runs: 1, pending: 0 }, 'only the second demo in the ledger, all of it ingested');
});
