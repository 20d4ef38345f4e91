// pg-copy-streams' COPY FROM writes through its connection from a socket 'drain' listener; once the
// connection is gone that write threw an uncaught TypeError and ended the process
// (brianc/node-pg-copy-streams#171). vecfill's stream does nothing then: its error is already out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { from } from 'pg-copy-streams';
import { guarded } from '../src/db/postgres.js';

test('a COPY stream whose connection is gone writes nothing and throws nothing', () => {
  const bare = from('COPY t FROM STDIN') as unknown as { connection: unknown; chunks: unknown[]; flush(cb?: () => void): void };
  bare.connection = null;
  bare.chunks = [{ chunk: Buffer.from('row') }];
  assert.throws(() => bare.flush(), TypeError, 'the library alone throws');

  const safe = guarded(from('COPY t FROM STDIN')) as unknown as typeof bare;
  safe.connection = null;
  safe.chunks = [{ chunk: Buffer.from('row') }];
  let called = false;
  assert.doesNotThrow(() => safe.flush(() => (called = true)));
  assert.equal(called, false, 'no write callback runs without a connection');
});
