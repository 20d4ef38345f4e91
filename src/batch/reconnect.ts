// reconnect: a day-long run outlives its database connection (a failover, a restart, an idle timeout, a
// backend terminated by an administrator). When the connection is lost, the work in its transaction
// rolled back on the server; reconnect (waiting out the outage within the retry budget) and start the
// work again from the ledger, which holds everything that was committed.
import type { Db } from '../db/db.js';
import { openDb } from '../db/open.js';
import { isConnectionLost } from '../db/postgres.js';
import { RetriesSpent, RetryClock, TransientError, type RetryOptions } from './api-retry.js';

export async function withReconnect<T>(url: string, applicationName: string, retry: RetryOptions, fn: (db: Db) => Promise<T>): Promise<T> {
  let clock: RetryClock | undefined;
  let lastLoss = 0;
  const lost = async (err: Error) => {
    // Losses within one budget's time count as one outage; a loss long after the last starts afresh.
    if (!clock || Date.now() - lastLoss > retry.retryForMs) clock = new RetryClock('the database', retry);
    lastLoss = Date.now();
    try {
      await clock.wait(new TransientError(`connection lost (${err.message}); reconnecting, then going on from the ledger`));
    } catch (final) {
      retry.signal?.throwIfAborted();
      if (final instanceof RetriesSpent) err.message += ` (${final.detail})`;
      throw err;
    }
  };
  for (;;) {
    let db: Db;
    try {
      db = await openDb(url, applicationName);
    } catch (err) {
      if (!clock) throw err; // the first connect: a wrong URL is no outage
      await lost(err as Error);
      continue;
    }
    try {
      return await fn(db);
    } catch (err) {
      if (!isConnectionLost(err)) throw err;
      await lost(err as Error);
    } finally {
      await db.close();
    }
  }
}
