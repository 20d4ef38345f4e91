// Each command's --help is true: every option it documents is accepted (with a value where the help
// shows one), an undocumented one is a usage error, and the top-level help lists the command.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const COMMANDS = ['prepare', 'submit', 'status', 'cancel', 'ingest', 'retry', 'run'];
const PROBE = fileURLToPath(new URL('./helpers/cli-in-process.ts', import.meta.url));

type Result = { args: string[]; code: number; stdout: string; stderr: string };

async function cli(calls: string[][]): Promise<Result[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', PROBE, JSON.stringify(calls)],
    { env: { ...process.env, DATABASE_URL: '', OPENAI_API_KEY: '' }, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as Result[];
}

test('every documented option is accepted; others are usage errors', async () => {
  const [top, ...helps] = await cli([['--help'], ...COMMANDS.map((name) => [name, '--help'])]);
  const calls: string[][] = [];
  for (const [k, name] of COMMANDS.entries()) {
    const help = helps[k];
    assert.match(top.stdout, new RegExp(`^  ${name}\\b`, 'm'), `top-level help lists ${name}`);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: vecfill ${name} `));
    const options = [...help.stdout.matchAll(/^ {2}(--[a-z-]+)(?: ([A-Z]+))?/gm)];
    assert.ok(options.length >= 3, `${name} documents its options`);
    for (const [, flag, value] of options) calls.push([name, flag, ...(value ? ['x'] : []), '--help']);
    calls.push([name, '--no-such-option']);
  }
  for (const r of await cli(calls)) {
    if (r.args[1] === '--no-such-option') {
      assert.equal(r.code, 2, r.args.join(' '));
      assert.match(r.stderr, /Unknown option '--no-such-option'/);
    } else {
      assert.equal(r.code, 0, `${r.args.join(' ')}: ${r.stderr}`);
    }
  }
});
