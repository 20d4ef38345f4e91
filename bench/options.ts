// The runner's command line. --rows and --dims take comma lists, so one run can show whether a
// ratio holds as the input grows (20000,100000) and across models (256,1536,3072).
import { parseArgs } from 'node:util';
import type { Format } from './batch-line.js';

export interface Options {
  rows: number[];
  dims: number[];
  formats: Format[];
  runs: number;
  only: string[] | undefined;
  stdin: boolean;
  out: string | undefined;
  db: string;
  table: string;
  errorShare: number;
  seed: number;
  timeoutSeconds: number;
  /** The table gets an HNSW index on its vector column (the index table of bench/README.md). */
  hnsw: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --rows N[,N…]        rows in the table and lines in the file (default 20000)
  --dims N[,N…]        vector dimensions (default 1536)
  --format F           float | base64 | both (default both)
  --runs N             interleaved rounds; medians are reported (default 3)
  --only a,b,…         a subset of: floor, vecfill, vecfill-rebuild, vecfill-unlogged, stream, sql,
                       script (vecfill-unlogged: --staging unlogged, two backends at once)
  --hnsw               the table has an HNSW index (vector_cosine_ops) on its vector column:
                       --only floor,vecfill,vecfill-rebuild compares keep and rebuild with the floor
  --stdin              feed vecfill through a pipe from cat instead of a file argument
  --out FILE           results as JSON (default bench/out/results-<timestamp>.json)
  --db URL             (default $DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --table NAME         (default bench_docs)
  --error-share X      share of HTTP 400 lines in the file (default 0.005)
  --seed N             dataset seed (default 1)
  --timeout S          seconds before a run is killed and counted as failed (default 900)
  --parse-only         the parsers alone, no database: split2 + JSON.parse, stream-json, vecfill's
                       byte reader (takes --format, --runs, --rows, --dims, --only; see bench/README.md)`;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rows: { type: 'string', default: '20000' },
      dims: { type: 'string', default: '1536' },
      format: { type: 'string', default: 'both' },
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      stdin: { type: 'boolean', default: false },
      out: { type: 'string' },
      db: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      table: { type: 'string', default: 'bench_docs' },
      'error-share': { type: 'string', default: '0.005' },
      seed: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '900' },
      hnsw: { type: 'boolean', default: false },
    },
  });
  const format = values.format;
  if (format !== 'float' && format !== 'base64' && format !== 'both') throw new UsageError(`--format: float, base64 or both, not ${format}`);
  return {
    rows: positiveList('--rows', values.rows),
    dims: positiveList('--dims', values.dims),
    formats: format === 'both' ? ['float', 'base64'] : [format],
    runs: positiveList('--runs', values.runs)[0],
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    stdin: values.stdin,
    out: values.out,
    db: values.db,
    table: values.table,
    errorShare: Number(values['error-share']),
    seed: Number(values.seed),
    timeoutSeconds: positiveList('--timeout', values.timeout)[0],
    hnsw: values.hnsw,
  };
}

export class UsageError extends Error {}

function positiveList(flag: string, text: string): number[] {
  const list = text.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n <= 0)) throw new UsageError(`${flag}: positive integers, not ${text}`);
  return list;
}
