// exit: how the CLI ends, in one place. Exit codes: 0 done; 3 done, but some lines were rejected or
// rows failed; 1 failed (nothing changed, unless the message says what was kept); 2 usage. The error
// classes (errors.ts) carry codes; only this file turns them into exit codes and stderr lines (never
// a stack trace, never a password).

export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;

const USAGE_CODES: ReadonlySet<string> = new Set(['VECFILL_USAGE', 'VECFILL_IDENTIFIER']);

/** A mistake in the call itself (exit 2): vecfill's usage errors and node's own argument parser's. */
export function isUsageError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (USAGE_CODES.has(code) || code.startsWith('ERR_PARSE_ARGS'));
}

/** An error after which something done is kept says so itself (`partial`); any other failure
 *  changed nothing. Interrupted, the signal is the cause, whatever failed on the way out. */
export function failureMessage(err: unknown, signal: AbortSignal): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const partial = (err as { partial?: unknown }).partial === true;
  const tail = partial ? '' : '; nothing was changed';
  const reason = signal.aborted ? (signal.reason instanceof Error ? signal.reason.message : String(signal.reason)) : undefined;
  const message = reason === undefined || e.message.includes(reason) ? e.message : partial ? `${reason}: ${e.message}` : reason;
  return `${message}${tail}`;
}

export function usageMessage(message: string, command?: string): string {
  return `vecfill${command ? ` ${command}` : ''}: ${message}\nRun "vecfill ${command ?? ''}${command ? ' ' : ''}--help" for usage.\n`;
}
