// vecfill retry: request files for the rows that may be tried again (retry() → prepare's machinery).
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_ATTEMPTS, retry } from '../batch/retry.js';
import { databaseUrl, positiveInt } from './options.js';
import { describe } from './prepare.js';
import { EXIT, UsageError } from './usage.js';

export const RETRY_HELP = `Usage: vecfill retry --table NAME --text-column NAME [options]

Writes request files, as "vecfill prepare" does (same format, same manifest), for the rows that
may be tried again: their vector column is still NULL, a batch carried them or a failure of
theirs is recorded (vecfill.row_failures), no batch in flight carries them, they did not fail
for good, and they failed fewer than --max-attempts times. Rows never submitted are left to
"vecfill prepare". Model, dimensions and encoding default to those of the table's latest batch.

Options:
  --db URL             PostgreSQL connection URL (default: $DATABASE_URL)
  --table NAME         table to fill (required)
  --text-column NAME   column with the text to embed (required)
  --id-column NAME     row id, sent as custom_id (default: id)
  --column NAME        vector or halfvec column to fill (default: embedding)
  --where SQL          only rows where SQL holds (raw SQL, as in vecfill prepare)
  --model NAME         default: the latest batch's, else text-embedding-3-small
  --dimensions N       default: the latest batch's
  --encoding FORMAT    base64 or float (default: the latest batch's, else base64)
  --max-attempts N     retry rows that failed fewer than N times (default: ${DEFAULT_MAX_ATTEMPTS})
  --max-requests N     requests per file (default and maximum: 50000)
  --out DIR            directory for the files (default: .); files are named retry-NNNN.jsonl
                       and retry.manifest.json, and never overwritten
  --json               print the summary as one JSON object
  -h, --help           this help

Exit codes: 0 files written, or nothing to retry; 3 written, but rows were left out for blank or
too long text; 1 failed, nothing written; 2 usage error.
`;

export async function retryCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      table: { type: 'string' },
      'text-column': { type: 'string' },
      'id-column': { type: 'string' },
      column: { type: 'string' },
      where: { type: 'string' },
      model: { type: 'string' },
      dimensions: { type: 'string' },
      encoding: { type: 'string' },
      'max-attempts': { type: 'string' },
      'max-requests': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(RETRY_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values.table) throw new UsageError('--table is required (the table whose rows to retry)');
  if (!values['text-column']) throw new UsageError('--text-column is required (the column with the text to embed)');
  const encoding = values.encoding;
  if (encoding !== undefined && encoding !== 'base64' && encoding !== 'float') throw new UsageError(`--encoding is base64 or float, not ${JSON.stringify(encoding)}`);
  const maxRequests = positiveInt(values['max-requests'], '--max-requests');
  if (maxRequests !== undefined && maxRequests > 50_000) throw new UsageError('--max-requests is at most 50000 (the Batch API limit)');
  const summary = await retry({
    db: databaseUrl(values.db),
    table: values.table,
    idColumn: values['id-column'],
    column: values.column,
    textColumn: values['text-column'],
    where: values.where,
    model: values.model,
    dimensions: positiveInt(values.dimensions, '--dimensions'),
    encoding,
    maxAttempts: positiveInt(values['max-attempts'], '--max-attempts'),
    maxRequests,
    out: values.out,
    signal,
  });
  if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else if (summary.files.length === 0) process.stdout.write(`nothing to retry in ${summary.table}.${summary.column}\n` + describe(summary).split('\n').slice(1).join('\n'));
  else process.stdout.write(describe(summary));
  return summary.emptyText.count + summary.tooLong.count > 0 ? EXIT.partial : EXIT.ok;
}
