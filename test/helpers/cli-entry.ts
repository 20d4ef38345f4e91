// What a test's vecfill child process runs: the CLI the test runner transpiled once for the whole run
// (VECFILL_TEST_CLI, test/runner/build-cli.ts), or, for a test file run on its own, src/cli/run.ts
// through tsx.
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));

/** node's arguments before vecfill's own. */
export function cliEntry(): string[] {
  const built = process.env.VECFILL_TEST_CLI;
  return built ? [built] : ['--import', import.meta.resolve('tsx'), SOURCE];
}
