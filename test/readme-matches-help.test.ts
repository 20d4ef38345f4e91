// The README's CLI reference is the CLI's own --help, word for word: it cannot drift from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runCli, ROOT } from './helpers/cli.js';

test('README holds the exact --help of vecfill and of every command', async () => {
  const readme = await readFile(`${ROOT}/README.md`, 'utf8');
  for (const args of [['--help'], ...['ingest', 'prepare', 'submit', 'status', 'cancel', 'retry', 'run', 'emulate', 'demo', 'similar'].map((c) => [c, '--help'])]) {
    const res = await runCli(args);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(readme.includes('```\n' + res.stdout + '```'), `README lacks the current output of vecfill ${args.join(' ')}`);
  }
});
