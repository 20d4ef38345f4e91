// apply: the database side of an ingest, in one transaction. A temp table receives the binary COPY,
// then ANALYZE (so the planner joins 20k or 2M rows sensibly), duplicates are settled, one UPDATE … FROM
// touches the target, and unknown ids are read back for the rejects file. Any error before COMMIT, or a
// dropped connection, leaves the target as it was.
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import type { DuplicateFilter } from '../ingest/duplicates.js';
import { LineSplitter } from '../ingest/lines.js';
import { sqlFile } from './sql-files.js';
import type { Target } from './target.js';

const TEMP = 'pg_temp.vecfill_in';

export interface UnknownId {
  ord: number;
  id: string;
}

/** BEGIN, the temp table, and the COPY stream to write rows into. */
export async function beginCopy(client: pg.ClientBase, target: Target): Promise<Writable> {
  // temp_buffers only takes effect before the session's first temp table: set it first. The temp table
  // then lives in memory instead of spilling through the 8 MB default.
  await client.query(`SET temp_buffers = '256MB'`);
  await client.query('BEGIN');
  await client.query(`CREATE TEMP TABLE vecfill_in (id ${target.idColumn.codec.sqlType}, ord int8, v vector) ON COMMIT DROP`);
  return client.query(copyFrom(`COPY ${TEMP} (id, ord, v) FROM STDIN (FORMAT binary)`, { highWaterMark: 4 * 1024 * 1024 }));
}

/** Settles duplicate ids (the later line wins) and returns how many rows were dropped for it. */
export async function dedup(client: pg.ClientBase, target: Target, duplicates: DuplicateFilter): Promise<number> {
  if (!duplicates.any) return 0;
  const suspects = duplicates.suspects;
  const filter = suspects ? `WHERE id = ANY($1::text[]::${target.idColumn.codec.sqlType}[])` : '';
  const text = sqlFile('dedup.sql').replace('{filter}', filter);
  const res = await client.query(text, suspects ? [[...suspects]] : []);
  return res.rowCount ?? 0;
}

/** The one statement that touches the target. Returns the rows updated (dry run: that would be). */
export async function update(client: pg.ClientBase, target: Target, dryRun: boolean): Promise<number> {
  const { sql, idColumn, column } = target;
  const cast = column.kind === 'halfvec' ? '::halfvec' : '';
  const text = dryRun
    ? `SELECT count(*)::int8 AS n FROM ${sql} AS d JOIN ${TEMP} AS t ON d.${idColumn.sql} = t.id`
    : `UPDATE ${sql} AS d SET ${column.sql} = t.v${cast} FROM ${TEMP} AS t WHERE d.${idColumn.sql} = t.id`;
  const res = await client.query(text);
  return dryRun ? Number(res.rows[0].n) : res.rowCount ?? 0;
}

/** Streams the staged ids that match no row of the target, in input order, to onUnknown. */
export async function unknownIds(client: pg.ClientBase, target: Target, onUnknown: (u: UnknownId) => void): Promise<number> {
  // Hex keeps the COPY text free of escapes whatever the id holds.
  const query = `COPY (SELECT t.ord, encode(convert_to(t.id::text, 'UTF8'), 'hex') FROM ${TEMP} AS t
    WHERE NOT EXISTS (SELECT 1 FROM ${target.sql} AS d WHERE d.${target.idColumn.sql} = t.id) ORDER BY t.ord) TO STDOUT`;
  let count = 0;
  const splitter = new LineSplitter({
    line(b, start, end) {
      const tab = b.indexOf(9, start);
      count++;
      onUnknown({ ord: Number(b.toString('latin1', start, tab)), id: Buffer.from(b.toString('latin1', tab + 1, end), 'hex').toString('utf8') });
    },
    overlong() {},
  });
  const stream = client.query(copyTo(query));
  for await (const chunk of stream as AsyncIterable<Buffer>) splitter.push(chunk);
  splitter.end();
  return count;
}
