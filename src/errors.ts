// errors: the error classes a library caller may want to tell apart, each with its code; the CLI maps
// them to exit codes (cli/main.ts), so nothing below the CLI knows about exit codes.

/** The call itself cannot work, whatever the data (options that contradict each other, an output that
 *  is one of the inputs): the caller changes the call. The CLI exits 2, as for a usage error. */
export class OptionsError extends Error {
  readonly code = 'VECFILL_OPTIONS';
  override name = 'OptionsError';
}
