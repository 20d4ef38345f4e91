// vecfill retry: request files for the rows that may be tried again (retry() → prepare's machinery).
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_ATTEMPTS, retry } from '../batch/retry.js';
import { databaseUrl, dbHelp, positiveInt, REQUEST_OPTIONS, requestSelection } from './options.js';
import { describe } from './prepare.js';
import { EXIT } from './exit.js';

export const RETRY_HELP = `Usage: vecfill retry --table NAME --text-column NAME [options]

Writes request files, as "vecfill prepare" does (same format, same manifest), for the rows that
may be tried again: their vector column is still NULL, a batch carried them or a failure of
theirs is recorded (vecfill.row_failures), no batch in flight carries them, they did not fail
for good, and they failed fewer than --max-attempts times. Rows never submitted are left to
"vecfill prepare". Model, dimensions and encoding default to those of the table's latest batch.

Options:
${dbHelp(23)}  --table NAME         table to fill (required)
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
    options: { ...REQUEST_OPTIONS, 'max-attempts': { type: 'string' } },
  });
  if (values.help) {
    process.stdout.write(RETRY_HELP);
    return EXIT.ok;
  }
  const selection = requestSelection(values, positionals, 'the table whose rows to retry');
  const summary = await retry({
    db: databaseUrl(values.db),
    ...selection,
    maxAttempts: positiveInt(values['max-attempts'], '--max-attempts'),
    signal,
    log: (line) => process.stderr.write(`vecfill retry: ${line}\n`),
  });
  if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else if (summary.files.length === 0) process.stdout.write(`nothing to retry in ${summary.table}.${summary.column}\n` + describe(summary).split('\n').slice(1).join('\n'));
  else process.stdout.write(describe(summary));
  return summary.emptyText.count + summary.tooLong.count > 0 ? EXIT.partial : EXIT.ok;
}
