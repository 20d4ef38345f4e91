// vecfill status: refresh the ledger from the API and show it.
import { parseArgs } from 'node:util';
import { status } from '../batch/status.js';
import { statusTable } from './status-table.js';
import { commandApi, databaseUrl, dbHelp, RETRY_OPTION, retryForHelp } from './options.js';
import { EXIT } from './exit.js';

export const STATUS_HELP = `Usage: vecfill status [options]

Asks the API about every batch in the ledger that is not final yet (final: completed, failed,
expired, cancelled), records the answers, and shows each batch: status, requests done/total
and failed, age, tokens (~ while only estimated) and cost at Batch API prices.

Options:
${dbHelp(18)}  --table NAME    only batches of this table
  --run ID        only batches of this run
  --json          print {"batches": [...]} as one JSON object
${retryForHelp('2m', 18)}  -h, --help      this help

Environment: OPENAI_API_KEY (required); OPENAI_BASE_URL for an OpenAI-compatible server.

Exit codes: 0 shown; 1 failed (database unreachable, or the API still failing after --retry-for);
2 usage error.
`;

export async function statusCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
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
    process.stdout.write(STATUS_HELP);
    return EXIT.ok;
  }
  const url = databaseUrl(values.db);
  const api = await commandApi('status', values['retry-for'], signal);
  const summary = await status({ db: url, ...api, table: values.table, runId: values.run });
  process.stdout.write(values.json ? JSON.stringify(summary) + '\n' : statusTable(summary.batches));
  return EXIT.ok;
}
