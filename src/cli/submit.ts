// vecfill submit: request files → Batch API batches, recorded in the ledger.
import { parseArgs } from 'node:util';
import { submit } from '../batch/submit.js';
import { commandApi, databaseUrl, dbHelp, RETRY_OPTION, retryForHelp } from './options.js';
import { EXIT } from './exit.js';
import { count } from './format.js';

export const SUBMIT_HELP = `Usage: vecfill submit [options] FILE...

Uploads request files (streamed) and creates one Batch API batch per file: endpoint
/v1/embeddings, completion window 24h, metadata vecfill_run, vecfill_table, vecfill_column and
vecfill_db (a hash that names the database, so "vecfill run" can find its batches again), and
output and error files that expire a week after they are written (output_expires_after).
Records each batch and the row ids it carries in the ledger (schema vecfill of the target
database). Where the vectors go comes from the manifest that "vecfill prepare" wrote beside the
files, or from --table. Every file is checked before the first upload; files whose rows are
already in a batch in flight are refused.

Options:
${dbHelp(22)}  --table NAME        target table, for files without a manifest (overrides the manifest)
  --id-column NAME    with --table: column matched against custom_id (default: id)
  --column NAME       with --table: vector or halfvec column to fill (default: embedding)
  --run ID            name the run in the ledger and the metadata (default: a new id)
  --force             submit rows that a batch in flight already carries
  --json              print {"runId", "batches": [...]} as one JSON object
${retryForHelp('2m', 22)}  -h, --help          this help

Environment: OPENAI_API_KEY (required); OPENAI_BASE_URL for an OpenAI-compatible server.

Exit codes: 0 submitted; 1 failed (batches created before the failure are in the ledger);
2 usage error.
`;

export async function submitCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      table: { type: 'string' },
      'id-column': { type: 'string' },
      column: { type: 'string' },
      run: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      ...RETRY_OPTION,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(SUBMIT_HELP);
    return EXIT.ok;
  }
  const db = databaseUrl(values.db);
  const api = await commandApi('submit', values['retry-for'], signal);
  const summary = await submit({
    db, ...api, files: positionals, table: values.table, idColumn: values['id-column'], column: values.column,
    runId: values.run, force: values.force,
    onBatch: values.json ? undefined : (b) => process.stdout.write(
      `${b.batchId}  ${b.status}  ${b.file}  ${count(b.requests)} requests, ~${count(b.estimatedTokens)} tokens → ${b.table}.${b.column}\n`),
  });
  if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write(`submitted ${summary.batches.length} batch${summary.batches.length === 1 ? '' : 'es'} (run ${summary.runId}); follow them with: vecfill status\n`);
  return EXIT.ok;
}
