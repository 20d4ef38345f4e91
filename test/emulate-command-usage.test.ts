// vecfill emulate's mistakes: a bad option is a usage error (exit 2) naming the option; an address it
// cannot listen on is a failure (exit 1) naming the address and the fix. Nothing on stdout either way.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { runCli } from './helpers/cli.js';

test('bad options exit 2, naming the option', async () => {
  const cases: [string[], RegExp][] = [
    [['--fail-rate', '2'], /--fail-rate takes a share from 0 to 1, such as 0.1, not "2"/],
    [['--cut-downloads', 'half'], /--cut-downloads takes a share from 0 to 1/],
    [['--steps', '0'], /--steps takes a whole number ≥ 1, not "0"/],
    [['--expire-batches', '1,0'], /--expire-batches takes a whole number ≥ 1, not "0"/],
    [['--port', '70000'], /--port is at most 65535/],
    [['--seed', '1.5'], /--seed takes a whole number ≥ 0, not "1.5"/],
    [['now'], /unexpected argument "now"/],
    [['--rate', '0.1'], /Unknown option '--rate'/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(['emulate', ...args])));
  for (const [i, r] of results.entries()) {
    const [args, message] = cases[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Run "vecfill emulate --help" for usage/);
    assert.equal(r.stdout, '');
  }
});

test('a port in use, or a host that is not this machine\'s, exits 1 with the fix', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.after(() => taken.close());
  const port = (taken.address() as { port: number }).port;

  const [inUse, foreign] = await Promise.all([
    runCli(['emulate', '--port', String(port)]),
    runCli(['emulate', '--host', '192.0.2.1']), // TEST-NET-1: never an address of this machine
  ]);
  assert.equal(inUse.code, 1, inUse.stderr);
  assert.equal(inUse.stderr, `vecfill emulate: 127.0.0.1:${port} is already in use: pick another --port, or --port 0 for any free one\n`);
  assert.equal(foreign.code, 1, foreign.stderr);
  assert.equal(foreign.stderr, 'vecfill emulate: cannot listen on --host 192.0.2.1: not an address of this machine (try 127.0.0.1)\n');
  assert.deepEqual([inUse.stdout, foreign.stdout], ['', '']);
});
