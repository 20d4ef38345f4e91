// One shard: the test files named on the command line, imported one after another into this one
// process, so they share its start-up (node, tsx, the TypeScript of src/) and its database handle (one
// embedded database per process, test/helpers/db.ts) instead of paying them once per file. Their
// tests run in the order the files were given, one at a time, as in a file of their own.
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

// No test starts before every file is imported: the first file's tests would otherwise run while the
// others load, and with --test-force-exit the shard would end when those were done, the rest unrun.
let imported!: () => void;
const allImported = new Promise<void>((done) => (imported = done));
before(() => allImported);

for (const file of process.argv.slice(2)) {
  try {
    await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    // A file that does not load fails as a test of its own; the shard's other files still run.
    test(`${file} loads`, () => {
      throw err;
    });
  }
}
imported();
