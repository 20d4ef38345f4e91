// errors: the error classes a library caller may want to tell apart, each with a stable `code`. The CLI
// maps them to exit codes in one place (cli/exit.ts); nothing below the CLI knows about exit codes.
// Errors of the database and the API themselves pass through as they are (a pg error keeps its
// SQLSTATE in `code`), with messages that say what vecfill was doing.

/** The `code` of each VecfillError. */
export type VecfillErrorCode =
  | 'VECFILL_USAGE'
  | 'VECFILL_IDENTIFIER'
  | 'VECFILL_CONNECT'
  | 'VECFILL_TARGET'
  | 'VECFILL_DIMENSION'
  | 'VECFILL_REQUEST_FILE'
  | 'VECFILL_API'
  | 'VECFILL_REJECTS';

/** The base of vecfill's own errors: `code` tells them apart (`err instanceof VecfillError`). */
export abstract class VecfillError extends Error {
  abstract readonly code: VecfillErrorCode;
}

/** The call itself cannot work, whatever the data: options missing or contradicting each other, an
 *  output that is one of the inputs. The caller changes the call (the CLI exits 2). */
export class UsageError extends VecfillError {
  readonly code = 'VECFILL_USAGE';
  override name = 'UsageError';
}

/** A table or column name that is no SQL identifier (the CLI exits 2). */
export class IdentifierError extends VecfillError {
  readonly code = 'VECFILL_IDENTIFIER';
  override name = 'IdentifierError';
}

/** The database cannot be reached or refused the connection (the message never holds a password). */
export class ConnectError extends VecfillError {
  readonly code = 'VECFILL_CONNECT';
  override name = 'ConnectError';
}

/** The target is not what vecfill can fill: no such table or column, not a vector column, an id type
 *  it cannot match, rows already in flight. */
export class TargetError extends VecfillError {
  readonly code = 'VECFILL_TARGET';
  override name = 'TargetError';
}

/** The model's vectors do not fit the column (vector(1536) and text-embedding-3-large). */
export class DimensionError extends VecfillError {
  readonly code = 'VECFILL_DIMENSION';
  override name = 'DimensionError';
}

/** A request file that vecfill cannot submit (not its format, ids the id column cannot hold). */
export class RequestFileError extends VecfillError {
  readonly code = 'VECFILL_REQUEST_FILE';
  override name = 'RequestFileError';
}

/** An API call that failed for good, or after its retries ran out; `status` is the HTTP status and
 *  `requestId` the answer's x-request-id (what OpenAI support asks for), when there was an answer. */
export class ApiError extends VecfillError {
  readonly code = 'VECFILL_API';
  override name = 'ApiError';
  constructor(message: string, readonly status?: number, readonly retriesSpent = false, readonly requestId?: string) {
    super(message);
  }
}

/** The rejects file cannot be written (a directory, no permission, a full disk). */
export class RejectsError extends VecfillError {
  readonly code = 'VECFILL_REJECTS';
  override name = 'RejectsError';
}
