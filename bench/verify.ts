// A cheap check after every run, so a fast wrong answer never counts: the number of non-NULL
// embeddings equals the number of 200 lines, and a few sampled rows hold exactly the file's float32
// values (an error line's row must stay NULL). pgvector prints float4 as its shortest decimal, so
// Math.fround(Number(text)) recovers the stored value exactly.
import type pg from 'pg';
import { quoteIdent } from './ident.js';
import type { Dataset } from './generate.js';

export async function verify(client: pg.Client, table: string, dataset: Dataset): Promise<string[]> {
  const t = quoteIdent(table);
  const problems: string[] = [];
  const { rows } = await client.query(`SELECT count("embedding")::int AS n FROM ${t}`);
  if (rows[0].n !== dataset.okLines) problems.push(`${rows[0].n} embeddings set, expected ${dataset.okLines}`);

  for (const sample of dataset.samples) {
    const result = await client.query(`SELECT "embedding"::text AS v FROM ${t} WHERE "id" = $1`, [sample.id]);
    const stored: string | null = result.rows[0]?.v ?? null;
    if (sample.vector === null) {
      if (stored !== null) problems.push(`id ${sample.id} (an error line) got an embedding`);
      continue;
    }
    if (stored === null) {
      problems.push(`id ${sample.id} has no embedding`);
      continue;
    }
    const values = stored.slice(1, -1).split(',').map((v) => Math.fround(Number(v)));
    const at = values.findIndex((v, i) => v !== sample.vector![i]);
    if (values.length !== sample.vector.length) problems.push(`id ${sample.id}: ${values.length} values, expected ${sample.vector.length}`);
    else if (at >= 0) problems.push(`id ${sample.id}: value ${at} is ${values[at]}, expected ${sample.vector[at]}`);
  }
  return problems;
}
