// adopt: batches that a killed run created but never recorded (killed between the API's answer and the
// ledger's COMMIT) are found again through their metadata in the API's batch list, and recorded with
// the rows their input file carries, so that a run started again polls them instead of sending their
// rows twice. Only recent batches are looked at: the list is newest first, and a batch lives 24 h.
import type { Db } from '../db/db.js';
import type { BatchApi } from './api.js';
import { retrying } from './api-retry.js';
import { getBatch, insertBatch, type LedgerTarget } from './ledger.js';
import { scanRequests } from './request-scan.js';
import { isFailed } from './states.js';

const LOOK_BACK_SECONDS = 25 * 3600;

/** Which database a batch's rows belong to, as its metadata says (vecfill_db): a hash of the cluster's
 *  system identifier and the database name, so that a table of the same name in another database
 *  (the same API key for staging and production) is never taken for this one. */
export async function databaseTag(db: Db): Promise<string> {
  // Call outside a transaction: where a managed service revokes pg_control_system(), the error is
  // caught and the database's own oid stands in for the cluster's identifier.
  const tag = (cluster: string) => `SELECT left(md5((${cluster})::text || '/' || current_database()), 16) AS tag`;
  const query = (sql: string) => db.query<{ tag: string }>(sql).then((r) => r.rows[0].tag);
  return query(tag('SELECT system_identifier FROM pg_control_system()'))
    .catch(() => query(tag('SELECT oid FROM pg_database WHERE datname = current_database()')));
}

export async function adoptUnrecorded(db: Db, api: BatchApi, names: LedgerTarget, log: (line: string) => void): Promise<number> {
  const since = Date.now() / 1000 - LOOK_BACK_SECONDS;
  const table = `${names.tableSchema}.${names.tableName}`;
  const tag = await databaseTag(db);
  let adopted = 0;
  for await (const b of api.listBatches()) {
    if (b.created_at < since) break;
    if (b.metadata?.vecfill_db !== tag || b.metadata?.vecfill_table !== table || b.metadata?.vecfill_column !== names.column || isFailed(b.status)) continue;
    if (await getBatch(db, b.id)) continue;
    // A download cut half-way is read again from the start.
    const input = await retrying(`read the requests of ${b.id}`, api.retry,
      () => scanRequests(api.download(b.input_file_id), b.input_file_id, { countTokens: false }));
    await insertBatch(db, {
      ...names, batchId: b.id, runId: b.metadata.vecfill_run ?? 'adopted', model: input.model, dimensions: input.dimensions,
      encoding: input.encoding, inputFileId: b.input_file_id, status: b.status, requestTotal: input.ids.length, estimatedTokens: 0,
    }, input.ids);
    log(`${b.id}: created by an earlier run but not recorded; recorded now (${input.ids.length} rows)`);
    adopted++;
  }
  return adopted;
}
