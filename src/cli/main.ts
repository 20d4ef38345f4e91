// main: the vecfill command. Dispatches to one file per command, maps errors to exit codes, and turns
// SIGINT/SIGTERM into a clean rollback.
import { EXIT, failureMessage, isUsageError, usageMessage } from './exit.js';

export const HELP = `Usage: vecfill <command> [options]

Fills pgvector columns through the OpenAI Batch API.

Commands:
  ingest [FILE...]    apply Batch API embedding output to a vector column, in one transaction
                      (--batch ID / --all-completed: straight from the API)
  prepare             write request files for the rows whose vector column is NULL
  submit FILE...      upload request files and create batches, recorded in the ledger
  status              refresh and show the batches in the ledger
  cancel [BATCH...]   cancel batches in flight
  retry               write request files for the rows that may be tried again
  run                 the whole round trip, resumable: prepare, submit, poll, ingest, retry
  emulate             serve a local Batch API whose vectors are emulated, for tests and demos
  demo                fill a table of short texts through the emulated Batch API and show
                      nearest neighbours: the whole round trip, no key needed
  similar             the rows nearest to a row or a text, to check a result by eye

Run "vecfill <command> --help" for a command's options.

Exit codes: 0 done; 3 done with rejected lines; 1 failed, nothing applied; 2 usage error.
`;

interface Command {
  run(argv: string[], signal: AbortSignal): Promise<number>;
  help: string;
}

// Commands load on use: the tokenizer and the OpenAI SDK cost ~0.3 s and ~50 MB at start-up, which a
// plain `vecfill ingest` should not pay.
const COMMANDS: Record<string, () => Promise<Command>> = {
  ingest: async () => { const m = await import('./ingest.js'); return { run: m.ingestCommand, help: m.INGEST_HELP }; },
  prepare: async () => { const m = await import('./prepare.js'); return { run: m.prepareCommand, help: m.PREPARE_HELP }; },
  submit: async () => { const m = await import('./submit.js'); return { run: m.submitCommand, help: m.SUBMIT_HELP }; },
  status: async () => { const m = await import('./status.js'); return { run: m.statusCommand, help: m.STATUS_HELP }; },
  cancel: async () => { const m = await import('./cancel.js'); return { run: m.cancelCommand, help: m.CANCEL_HELP }; },
  retry: async () => { const m = await import('./retry.js'); return { run: m.retryCommand, help: m.RETRY_HELP }; },
  run: async () => { const m = await import('./run-command.js'); return { run: m.runCommand, help: m.RUN_HELP }; },
  emulate: async () => { const m = await import('./emulate.js'); return { run: m.emulateCommand, help: m.EMULATE_HELP }; },
  demo: async () => { const m = await import('./demo.js'); return { run: m.demoCommand, help: m.DEMO_HELP }; },
  similar: async () => { const m = await import('./similar.js'); return { run: m.similarCommand, help: m.SIMILAR_HELP }; },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(rest[0] && Object.hasOwn(COMMANDS, rest[0]) ? (await COMMANDS[rest[0]]()).help : HELP);
    return EXIT.ok;
  }
  if (!Object.hasOwn(COMMANDS, name)) return usage(`unknown command ${JSON.stringify(name)}`);
  const command = await COMMANDS[name]();
  const ac = new AbortController();
  const onSignal = (sig: string) => {
    if (ac.signal.aborted) process.exit(EXIT.failed); // a second signal: go now; the server rolls back
    ac.abort(new Error(`interrupted by ${sig}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await command.run(rest, ac.signal);
  } catch (err) {
    if (isUsageError(err)) return usage((err as Error).message, name);
    process.stderr.write(`vecfill ${name}: ${failureMessage(err, ac.signal)}\n`);
    if (process.env.VECFILL_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function usage(message: string, command?: string): number {
  process.stderr.write(usageMessage(message, command));
  return EXIT.usage;
}
