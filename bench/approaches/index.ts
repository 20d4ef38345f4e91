// How each approach is launched. Each runs as its own child process on the same table and the same
// file; `prepare` does untimed work once per dataset (compiling, pre-encoding the floor's input).
import { join } from 'node:path';
import type { Dataset } from '../generate.js';
import type { Command } from '../measure.js';
import { compileBaselines, compiledDir } from '../compile.js';
import { ensureFloorInput, floorInputFile } from '../floor-input.js';
import { benchDir } from '../paths.js';

export interface Context {
  db: string;
  table: string;
  dataset: Dataset;
  /** vecfill reads its input from a pipe (cat FILE | vecfill ingest … -) instead of a file argument. */
  stdin: boolean;
}

export interface Approach {
  name: string;
  summary: string;
  /** psql's own RSS says nothing about the work, which happens in the server. */
  client: 'node' | 'psql';
  prepare?(context: Context): Promise<void>;
  command(context: Context): Command;
  /** Exit codes that mean success: vecfill exits 3 when the file has error lines, as it should. */
  okExitCodes: number[];
}

const psql = (context: Context, script: string): string[] => [
  'psql', '-X', '-q', '-v', `table=${context.table}`, '-d', context.db, '-f', join(benchDir, 'approaches', script),
];

const node = (program: string, context: Context): string[] => [
  'node', join(compiledDir, 'approaches', program), context.db, context.table, context.dataset.file,
];

export const approaches: Approach[] = [
  {
    name: 'floor',
    summary: "PostgreSQL's floor: psql \\copy of pre-encoded binary rows + ANALYZE + the UPDATE",
    client: 'psql',
    prepare: async ({ dataset }) => void (await ensureFloorInput(dataset)),
    command: (context) => ({ argv: psql(context, 'floor.sql'), stdinFile: floorInputFile(context.dataset) }),
    okExitCodes: [0],
  },
  {
    name: 'vecfill',
    summary: 'vecfill ingest',
    client: 'node',
    command: ({ db, table, dataset, stdin }) => {
      const argv = ['node', 'dist/cli/run.js', 'ingest', '--db', db, '--table', table, '--quiet', '--json'];
      return stdin ? { argv: [...argv, '-'], pipeFile: dataset.file } : { argv: [...argv, dataset.file] };
    },
    okExitCodes: [0, 3],
  },
  {
    name: 'vecfill-rebuild',
    summary: 'vecfill ingest --index rebuild --maintenance-work-mem 1GB (with --hnsw: drop, apply, build)',
    client: 'node',
    command: ({ db, table, dataset }) => ({
      argv: ['node', 'dist/cli/run.js', 'ingest', '--db', db, '--table', table, '--quiet', '--json',
        '--index', 'rebuild', '--maintenance-work-mem', '1GB', dataset.file],
    }),
    okExitCodes: [0, 3],
  },
  {
    name: 'vecfill-unlogged',
    summary: 'vecfill ingest --staging unlogged (a second connection COPYs segment N+1 while the ingest UPDATEs from N)',
    client: 'node',
    command: ({ db, table, dataset }) => ({
      argv: ['node', 'dist/cli/run.js', 'ingest', '--db', db, '--table', table, '--quiet', '--json', '--staging', 'unlogged', dataset.file],
    }),
    okExitCodes: [0, 3],
  },
  {
    name: 'stream',
    summary: 'plain stream: split2 → JSON.parse → binary COPY → one UPDATE',
    client: 'node',
    prepare: compileBaselines,
    command: (context) => ({ argv: node('stream.js', context) }),
    okExitCodes: [0],
  },
  {
    name: 'sql',
    summary: 'SQL only: psql \\copy lines into jsonb, cast in one UPDATE',
    client: 'psql',
    command: (context) => ({
      argv: psql(context, context.dataset.format === 'base64' ? 'sql-base64.sql' : 'sql-float.sql'),
      stdinFile: context.dataset.file,
    }),
    okExitCodes: [0],
  },
  {
    name: 'script',
    summary: 'common script: readFile, JSON.parse all, UPDATE 15 rows per statement via UNNEST',
    client: 'node',
    prepare: compileBaselines,
    command: (context) => ({ argv: node('script.js', context) }),
    okExitCodes: [0],
  },
];
