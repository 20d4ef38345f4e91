// usage: how the CLI fails. A UsageError exits 2 with a pointer to --help; anything else a user can act
// on exits 1 with its message (never a stack trace, never a password).

export class UsageError extends Error {}

export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;
