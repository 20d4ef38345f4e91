// cancel: stop the statement a connection is running, as psql's Ctrl-C does: a CancelRequest (the
// backend's pid and secret key) sent on a connection of its own. node-postgres has no public way to do
// it (its Client.cancel reads a deprecated getter), and the protocol message is 16 bytes.
import pg from 'pg';
import { connect as tcp, type Socket } from 'node:net';

interface ClientInternals {
  processID?: number | null;
  secretKey?: number | null;
  connectionParameters?: { host?: string; port?: number };
  _getActiveQuery?: () => unknown;
  _activeQuery?: unknown;
}

const CANCEL_REQUEST_CODE = 80877102;

/**
 * Cancels the client's statement under way, if it runs one. Never throws or rejects. Resolves once the
 * server has taken the request: it closes the request's connection after signalling the backend. A
 * CancelRequest stops whatever the backend runs when the signal lands, so the connection's next
 * statement must wait for this (see PostgresDb): sent sooner, a cancel that was slow to arrive (a
 * loaded machine) stops it instead of the one it was meant for. A backend idle by then ignores it.
 */
export function cancelQuery(client: pg.ClientBase): Promise<void> {
  const c = client as pg.ClientBase & ClientInternals;
  const running = typeof c._getActiveQuery === 'function' ? c._getActiveQuery() : c._activeQuery;
  const { host, port } = c.connectionParameters ?? {};
  if (!running || !c.processID || c.secretKey == null || !host || !port) return Promise.resolve();
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  message.writeInt32BE(c.processID, 8);
  message.writeInt32BE(c.secretKey, 12);
  let socket: Socket;
  try {
    socket = host.startsWith('/') ? tcp(`${host}/.s.PGSQL.${port}`) : tcp(port, host);
  } catch {
    return Promise.resolve();
  }
  socket.on('error', () => {}); // a server gone by now: nothing left to cancel
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('connect', () => socket.end(message));
  return new Promise((resolve) => socket.on('close', () => resolve()));
}
