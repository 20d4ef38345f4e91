// vecfill cancel: cancel batches in flight and record it.
import { parseArgs } from 'node:util';
import { cancel } from '../batch/cancel.js';
import { commandApi, databaseUrl, dbHelp, RETRY_OPTION, retryForHelp } from './options.js';
import { EXIT } from './exit.js';

export const CANCEL_HELP = `Usage: vecfill cancel [options] [BATCH...]

Cancels the given batches, or, with none given, every batch in flight in the ledger (those the
filters select). A batch goes to "cancelling", then "cancelled" with the output of the requests
that already ran: that output is paid for, so ingest it (vecfill ingest --batch ID).

Options:
${dbHelp(18)}  --table NAME    with no BATCH: only batches of this table
  --run ID        with no BATCH: only batches of this run
  --json          print {"batches": [...]} as one JSON object
${retryForHelp('2m', 18)}  -h, --help      this help

Environment: OPENAI_API_KEY (required); OPENAI_BASE_URL for an OpenAI-compatible server.

Exit codes: 0 done (a batch that had already ended is reported, not an error); 1 failed;
2 usage error.
`;

export async function cancelCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      table: { type: 'string' },
      run: { type: 'string' },
      json: { type: 'boolean' },
      ...RETRY_OPTION,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CANCEL_HELP);
    return EXIT.ok;
  }
  const url = databaseUrl(values.db);
  const api = await commandApi('cancel', values['retry-for'], signal);
  const { batches } = await cancel({ db: url, ...api, batchIds: positionals, table: values.table, runId: values.run });
  if (values.json) {
    process.stdout.write(JSON.stringify({ batches }) + '\n');
  } else if (batches.length === 0) {
    process.stdout.write('no batch in flight to cancel\n');
  } else {
    for (const r of batches) {
      const what = r.cancelled ? `${r.status} (cancel requested)` : `already ${r.status}, not cancelled`;
      process.stdout.write(`${r.batchId}  ${what}${r.inLedger ? '' : '  (not in this ledger)'}\n`);
    }
  }
  return EXIT.ok;
}
