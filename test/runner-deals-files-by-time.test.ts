// The test runner's plan (test/runner/plan.ts): files dealt to shards longest first, each to the
// least loaded, so the shards end together; a file with no measured time counts as the median; a file
// that reaches a database or the CLI is not pure, whichever import leads there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balance, isPure } from './runner/plan.js';

test('files go longest first to the least loaded shard; unmeasured ones count as the median', () => {
  const timings = { 'a.test.ts': 10, 'b.test.ts': 6, 'c.test.ts': 5, 'd.test.ts': 4, 'e.test.ts': 1 };
  const shards = balance(['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts', 'test/e.test.ts', 'test/new.test.ts'], 2, timings);
  // 10 → first; 6 and 5 → second (11 against 10); new (the median of 1, 4, 5, 6, 10: 5) → first; 4 →
  // second; 1 → the first of two at 15.
  assert.deepEqual(shards.map((s) => s.files), [
    ['test/a.test.ts', 'test/new.test.ts', 'test/e.test.ts'],
    ['test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts'],
  ]);
  assert.deepEqual(shards.map((s) => s.seconds), [16, 15]);
  assert.equal(balance(['test/a.test.ts'], 3, timings).length, 1, 'no empty shards');
});

test('a file is pure unless it, or a helper it imports, opens a database or runs the CLI', () => {
  const files: Record<string, string> = {
    '/p/test/parse.test.ts': "import { test } from 'node:test';\nimport { x } from '../src/ingest/lines.js';\nimport { y } from './helpers/output.js';",
    '/p/test/helpers/output.ts': "export const y = 1;",
    '/p/test/ingest.test.ts': "import { z } from './helpers/util.js';",
    '/p/test/helpers/util.ts': "export { sql as z } from './db.js';",
    '/p/test/helpers/db.ts': '',
    '/p/test/spawns.test.ts': "import { spawn } from 'node:child_process';",
  };
  const read = (path: string) => files[path] ?? '';
  assert.equal(isPure('/p/test/parse.test.ts', read), true);
  assert.equal(isPure('/p/test/ingest.test.ts', read), false, 'through a helper that re-exports db.ts');
  assert.equal(isPure('/p/test/spawns.test.ts', read), false);
});
