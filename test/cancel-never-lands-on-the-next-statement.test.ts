// A cancel is a CancelRequest on a connection of its own, and it stops whatever the backend runs when
// it lands. Slow to arrive (a loaded machine), it used to land on the connection's next statement: a
// run whose download broke off cancelled its COPY, rolled back, started the batch's ingest again, and
// that ingest died "canceling statement due to user request". The next statement now waits until the
// server has taken the cancel. Shown through a proxy that holds every connection after the first
// (the cancel's) for a while.
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import pg from 'pg';
import { PostgresDb } from '../src/db/postgres.js';
import { SERVER_URL, serverOnly } from './helpers/database-kind.js';

const CANCEL_DELAY_MS = 400;

/** A TCP proxy to the server: the first connection passes at once, later ones after delayMs. */
async function delayingProxy(t: import('node:test').TestContext, delayMs: number): Promise<{ port: number; cancels(): number }> {
  const target = new URL(SERVER_URL!);
  let connections = 0;
  const sockets = new Set<Socket>();
  // Half-open kept both ways: the cancel's sender ends its side first, and must see the connection
  // close only when the server has closed it (after taking the cancel), as it does without the proxy.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    sockets.add(client);
    const wait = connections++ === 0 ? 0 : delayMs;
    client.pause();
    setTimeout(() => {
      const upstream = connect({ port: Number(target.port || 5432), host: target.hostname, allowHalfOpen: true });
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      for (const s of [client, upstream]) s.on('error', () => {});
    }, wait);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as { port: number }).port, cancels: () => connections - 1 };
}

test('a cancel that arrives late stops nothing after the statement it was meant for', serverOnly('PGlite has no cancel: its statements run to their end in this process'), async (t) => {
  const proxy = await delayingProxy(t, CANCEL_DELAY_MS);
  const url = new URL(SERVER_URL!);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  t.after(() => client.end());
  const db = new PostgresDb(client, false);

  // The statement to cancel ends on its own before the cancel can arrive.
  const first = db.query('SELECT pg_sleep(0.05)');
  db.cancel();
  await first;
  // Sent at once, this one would still be sleeping when the cancel lands.
  const started = Date.now();
  await db.query(`SELECT pg_sleep(${(CANCEL_DELAY_MS * 2) / 1000})`);
  assert.equal(proxy.cancels(), 1, 'the cancel was sent (through the proxy)');
  assert.ok(Date.now() - started >= CANCEL_DELAY_MS, 'the next statement waited for the cancel to be taken');
  assert.equal((await db.query('SELECT 1 AS one')).rows[0].one, 1, 'the connection works on');
});
