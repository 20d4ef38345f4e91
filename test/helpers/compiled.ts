// The project as the test run's type check emitted it (test/runner/run.ts runs `tsc` once, with
// output, instead of `tsc --noEmit`): the pack test takes its src/ as the package's dist/ rather
// than compiling src/ a second time. Without the runner (a file run alone), there is none.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Written beside the output once tsc has ended, holding its exit code. */
export const COMPILED_MARK = '.tsc-exit-code';

/** The directory of the emitted project once tsc has ended, or undefined when this run has none. */
export async function compiledProject(timeoutMs = 300_000): Promise<string | undefined> {
  const dir = process.env.VECFILL_TEST_COMPILED;
  if (!dir) return undefined;
  for (const deadline = Date.now() + timeoutMs; ;) {
    const code = await readFile(join(dir, COMPILED_MARK), 'utf8').catch(() => undefined);
    // Emitted even with type errors (noEmitOnError is off); those fail the run as the type check's own.
    if (code !== undefined) return dir;
    if (Date.now() > deadline) throw new Error(`the type check of this test run did not end within ${timeoutMs} ms`);
    await sleep(100);
  }
}
