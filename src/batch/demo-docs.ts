// demo-docs: the table `vecfill demo` fills, and what it shows afterwards. Made anew each time (its
// rows, and the ledger's record of earlier demos' batches and failures for it), so a second demo
// starts over as if it were the first.
import { withTransaction, type Db } from '../db/db.js';
import { ensureLedger } from './ledger.js';
import { similar, type Neighbour } from './similar.js';

export const DEMO_TABLE = 'demo_docs';

export interface DemoText {
  topic: string;
  text: string;
}

/** Drops and creates `demo_docs (id bigint primary key, topic, body, embedding vector(dims))` in the
 *  current schema, with the texts as rows 1…n and no vectors; forgets the ledger's earlier demos. */
export async function createDemoDocs(db: Db, texts: readonly DemoText[], dims: number): Promise<void> {
  if (!(Number.isInteger(dims) && dims >= 1)) throw new RangeError(`dims must be a whole number ≥ 1, not ${dims}`);
  await db.query('CREATE EXTENSION IF NOT EXISTS vector');
  await ensureLedger(db);
  await withTransaction(db, async () => {
    await db.query(`DROP TABLE IF EXISTS ${DEMO_TABLE}`);
    await db.query(`CREATE TABLE ${DEMO_TABLE} (id bigint PRIMARY KEY, topic text NOT NULL, body text NOT NULL, embedding vector(${dims}))`);
    await db.query(`INSERT INTO ${DEMO_TABLE} (id, topic, body) SELECT * FROM unnest($1::int8[], $2::text[], $3::text[])`,
      [texts.map((_, i) => i + 1), texts.map((t) => t.topic), texts.map((t) => t.text)]);
    const { rows: [{ schema }] } = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
    // Batches of an earlier demo went to an emulator that is gone: nothing to poll, nothing to retry.
    await db.query('DELETE FROM vecfill.batches WHERE table_schema = $1 AND table_name = $2', [schema, DEMO_TABLE]);
    await db.query('DELETE FROM vecfill.row_failures WHERE table_schema = $1 AND table_name = $2', [schema, DEMO_TABLE]);
  });
}

export interface DemoRow {
  id: string;
  topic: string;
  text: string;
}

export interface DemoNeighbours {
  row: DemoRow;
  neighbours: (Neighbour & { topic: string })[];
}

/** The first row of each topic, and its k nearest rows with their topics. */
export async function demoNeighbours(db: Db, k: number, words: number): Promise<DemoNeighbours[]> {
  const { rows: shown } = await db.query<DemoRow>(
    `SELECT DISTINCT ON (d.topic) d.id::text AS id, d.topic, d.body AS text FROM ${DEMO_TABLE} d ORDER BY d.topic, d.id`);
  shown.sort((a, b) => Number(a.id) - Number(b.id));
  const out: DemoNeighbours[] = [];
  for (const row of shown) {
    const { neighbours } = await similar({ db, table: DEMO_TABLE, id: row.id, k, textColumn: 'body', words });
    const { rows: topics } = await db.query<{ id: string; topic: string }>(
      `SELECT id::text AS id, topic FROM ${DEMO_TABLE} WHERE id = ANY($1::int8[])`, [neighbours.map((n) => n.id)]);
    const topicOf = new Map(topics.map((t) => [t.id, t.topic]));
    out.push({ row, neighbours: neighbours.map((n) => ({ ...n, topic: topicOf.get(n.id) ?? '' })) });
  }
  return out;
}
