// main: the vecfill command. Dispatches to one file per command, maps errors to exit codes, and turns
// SIGINT/SIGTERM into a clean rollback.
import { ingestCommand, INGEST_HELP } from './ingest.js';
import { EXIT, UsageError } from './usage.js';
import { IdentifierError } from '../db/identifiers.js';

export const HELP = `Usage: vecfill <command> [options]

Fills pgvector columns through the OpenAI Batch API.

Commands:
  ingest [FILE...]    apply Batch API embedding output to a vector column, in one transaction

Run "vecfill <command> --help" for a command's options.

Exit codes: 0 done; 3 done with rejected lines; 1 failed, nothing applied; 2 usage error.
`;

const COMMANDS: Record<string, { run(argv: string[], signal: AbortSignal): Promise<number>; help: string }> = {
  ingest: { run: ingestCommand, help: INGEST_HELP },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(rest[0] && COMMANDS[rest[0]] ? COMMANDS[rest[0]].help : HELP);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) return usage(`unknown command ${JSON.stringify(name)}`);
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
    const e = err as Error & { code?: string };
    if (err instanceof UsageError || err instanceof IdentifierError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      return usage(e.message, name);
    }
    const what = ac.signal.aborted ? `${(ac.signal.reason as Error).message}; nothing was changed` : `${e.message}; nothing was changed`;
    process.stderr.write(`vecfill ${name}: ${what}\n`);
    if (process.env.VECFILL_DEBUG) process.stderr.write(`${e.stack}\n`);
    return EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function usage(message: string, command?: string): number {
  process.stderr.write(`vecfill${command ? ` ${command}` : ''}: ${message}\nRun "vecfill ${command ?? ''}${command ? ' ' : ''}--help" for usage.\n`);
  return EXIT.usage;
}
