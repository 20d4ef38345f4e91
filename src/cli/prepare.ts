// vecfill prepare: the CLI face of prepare(): arguments → options, the estimate → stdout, exit code.
import { parseArgs } from 'node:util';
import { dollars, MAX_INPUT_TOKENS } from '../batch/models.js';
import { prepare, type PrepareSummary, type RowList } from '../batch/prepare.js';
import { databaseUrl, dbHelp, REQUEST_OPTIONS, requestSelection } from './options.js';
import { EXIT } from './exit.js';
import { count, megabytes } from './format.js';

export const PREPARE_HELP = `Usage: vecfill prepare --table NAME --text-column NAME [options]

Writes Batch API request files (JSON Lines) for the rows whose vector column is NULL: one
/v1/embeddings request per row, custom_id = the row id as text. Rows are read through a cursor
(constant memory). Each file holds at most 50,000 requests and 100 MiB; PREFIX.manifest.json
beside them tells "vecfill submit" where their vectors go. Before writing anything, checks that
the column holds the model's vectors (e.g. vector(1536) for text-embedding-3-small).
Prints the estimate: requests, tokens (cl100k_base) and dollars at Batch API prices.

Options:
${dbHelp(23)}  --table NAME         table to fill, e.g. docs, app.docs, '"My Schema"."Docs"' (required)
  --text-column NAME   column with the text to embed (required)
  --id-column NAME     row id, sent as custom_id (default: id)
  --column NAME        vector or halfvec column to fill (default: embedding)
  --where SQL          only rows where SQL holds. Raw SQL, pasted into the query as written
                       (e.g. --where "lang = 'en'"): pass only SQL you would run yourself
  --model NAME         text-embedding-3-small (default), text-embedding-3-large,
                       text-embedding-ada-002
  --dimensions N       ask for N-dimensional vectors (text-embedding-3-* only)
  --encoding FORMAT    base64 (default: smaller and exact) or float
  --no-truncate        leave out texts over ${count(MAX_INPUT_TOKENS)} tokens instead of cutting them to fit
  --max-requests N     requests per file (default and maximum: 50000)
  --out DIR            directory for the files, created if missing (default: .); files of an
                       earlier prepare there are never overwritten
  --json               print the summary as one JSON object
  -h, --help           this help

Rows left out, and reported: NULL or blank text (never sent); texts over ${count(MAX_INPUT_TOKENS)} tokens
with --no-truncate; rows that a batch in flight already carries; rows that failed for good
(vecfill.row_failures).

Exit codes: 0 files written, or nothing to do; 3 written, but rows were left out for blank or
too long text; 1 failed, nothing written; 2 usage error.
`;

export async function prepareCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...REQUEST_OPTIONS, 'no-truncate': { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(PREPARE_HELP);
    return EXIT.ok;
  }
  const selection = requestSelection(values, positionals, 'the table whose vector column to fill', 'base64');
  const summary = await prepare({ db: databaseUrl(values.db), ...selection, truncate: !values['no-truncate'], signal });
  process.stdout.write(values.json ? JSON.stringify(summary) + '\n' : describe(summary));
  return summary.emptyText.count + summary.tooLong.count > 0 ? EXIT.partial : EXIT.ok;
}

function ids(list: RowList): string {
  return `${list.ids.join(', ')}${list.count > list.ids.length ? ', …' : ''}`;
}

export function describe(s: PrepareSummary): string {
  const lines: string[] = [];
  if (s.files.length === 0) {
    lines.push(`nothing to prepare: no row of ${s.table} has a NULL ${s.column} and text to send`);
  } else {
    lines.push(`wrote ${count(s.requests)} requests for ${s.table}.${s.column} (${s.model}, ${s.outputDims} dims, ${s.encoding}) ` +
      `in ${s.files.length} file${s.files.length > 1 ? 's' : ''}:`);
    for (const f of s.files) lines.push(`  ${f.path}  ${count(f.requests)} requests, ${count(f.tokens)} tokens, ${megabytes(f.bytes)} MB`);
    lines.push(`estimate: ${count(s.tokens)} tokens, ${dollars(s.estimatedCost)} at batch prices`);
    lines.push(`next: vecfill submit ${s.files.map((f) => f.path).join(' ')}`);
  }
  if (s.truncated.count) lines.push(`truncated to ${count(MAX_INPUT_TOKENS)} tokens: ${count(s.truncated.count)} rows (ids ${ids(s.truncated)})`);
  if (s.emptyText.count) lines.push(`left out, NULL or blank ${s.textColumn}: ${count(s.emptyText.count)} rows (ids ${ids(s.emptyText)})`);
  if (s.tooLong.count) lines.push(`left out, over ${count(MAX_INPUT_TOKENS)} tokens (--no-truncate): ${count(s.tooLong.count)} rows (ids ${ids(s.tooLong)})`);
  if (s.inFlight) lines.push(`left out, already in a batch in flight: ${count(s.inFlight)} rows (vecfill status)`);
  if (s.failedForGood) lines.push(`left out, failed for good earlier: ${count(s.failedForGood)} rows (vecfill.row_failures)`);
  if (s.outOfAttempts) lines.push(`left out, out of attempts: ${count(s.outOfAttempts)} rows (vecfill.row_failures)`);
  if (s.neverSubmitted) lines.push(`left out, never submitted: ${count(s.neverSubmitted)} rows (vecfill prepare sends them)`);
  return lines.join('\n') + '\n';
}
