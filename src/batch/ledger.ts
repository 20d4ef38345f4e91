// ledger: vecfill's state between commands, in the target database (schema vecfill, DDL in
// sql/ledger.sql): the batches it created, the rows each carries, and the rows that failed.
// Nothing secret goes in: the API key and the connection string are never passed to this file.
import { withTransaction, type Db } from '../db/db.js';
import type { Batch } from 'openai/resources/batches';
import { sqlFile } from '../db/sql-files.js';
import { FINAL_STATUSES } from './states.js';


export interface LedgerTarget {
  tableSchema: string;
  tableName: string;
  idColumn: string;
  column: string;
}

export interface NewBatchRecord extends LedgerTarget {
  batchId: string;
  runId: string;
  /** Null for a batch vecfill did not create and whose model the API did not say. */
  model: string | null;
  dimensions: number | null;
  encoding: 'base64' | 'float' | null;
  inputFileId: string;
  status: string;
  requestTotal: number;
  estimatedTokens: number;
  attempt?: number;
}

export interface BatchRecord extends NewBatchRecord {
  outputFileId: string | null;
  errorFileId: string | null;
  requestCompleted: number;
  requestFailed: number;
  tokensUsed: number | null;
  rowsUpdated: number | null;
  attempt: number;
  errors: unknown;
  createdAt: Date;
  updatedAt: Date;
  ingestedAt: Date | null;
}

const COLUMNS = `batch_id AS "batchId", run_id AS "runId", table_schema AS "tableSchema", table_name AS "tableName",
  id_column AS "idColumn", column_name AS "column", model, dimensions, encoding, input_file_id AS "inputFileId",
  output_file_id AS "outputFileId", error_file_id AS "errorFileId", status, request_total AS "requestTotal",
  request_completed AS "requestCompleted", request_failed AS "requestFailed",
  estimated_tokens::float8 AS "estimatedTokens", tokens_used::float8 AS "tokensUsed", rows_updated::float8 AS "rowsUpdated",
  attempt, errors, created_at AS "createdAt", updated_at AS "updatedAt", ingested_at AS "ingestedAt"`;

/** Creates the ledger if it is missing. Call outside a transaction. Concurrent callers are serialized
 *  by an advisory lock (CREATE … IF NOT EXISTS alone races); once it exists this is one catalog read. */
export async function ensureLedger(client: Db): Promise<void> {
  const exists = async () => (await client.query(`SELECT to_regclass('vecfill.row_failures') IS NOT NULL AS ok`)).rows[0].ok as boolean;
  if (await exists()) return;
  await withTransaction(client, async () => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('vecfill.ledger'))`);
    if (!(await exists())) await client.exec(sqlFile('ledger.sql'));
  });
}

/** Whether the ledger exists (read-only commands do not create it). */
export async function ledgerExists(client: Db): Promise<boolean> {
  return (await client.query(`SELECT to_regclass('vecfill.batch_rows') IS NOT NULL AS ok`)).rows[0].ok as boolean;
}

/** Records a created batch and the row ids it carries, in one transaction. */
export async function insertBatch(client: Db, b: NewBatchRecord, rowIds: readonly string[]): Promise<void> {
  await withTransaction(client, async () => {
    await client.query(
      `INSERT INTO vecfill.batches (batch_id, run_id, table_schema, table_name, id_column, column_name, model, dimensions,
         encoding, input_file_id, status, request_total, estimated_tokens, attempt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [b.batchId, b.runId, b.tableSchema, b.tableName, b.idColumn, b.column, b.model, b.dimensions, b.encoding,
        b.inputFileId, b.status, b.requestTotal, b.estimatedTokens, b.attempt ?? 1],
    );
    await client.query(`INSERT INTO vecfill.batch_rows (batch_id, row_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [b.batchId, rowIds]);
  });
}

/** Copies what the API says about a batch into its ledger row; returns the row as now stored. */
export async function updateFromApi(client: Db, batch: Batch): Promise<BatchRecord | undefined> {
  const counts = batch.request_counts;
  const tokens = batch.usage?.total_tokens ? batch.usage.total_tokens : null;
  const { rows } = await client.query<BatchRecord>(
    `UPDATE vecfill.batches SET status = $2, output_file_id = $3, error_file_id = $4, request_total = $5,
       request_completed = $6, request_failed = $7, errors = $8::jsonb, tokens_used = coalesce($9, tokens_used),
       updated_at = now()
     WHERE batch_id = $1 RETURNING ${COLUMNS}`,
    [batch.id, batch.status, batch.output_file_id ?? null, batch.error_file_id ?? null, counts?.total ?? 0,
      counts?.completed ?? 0, counts?.failed ?? 0, batch.errors?.data?.length ? JSON.stringify(batch.errors.data) : null, tokens],
  );
  return rows[0];
}

export interface BatchFilter {
  /** Only these batch ids. */
  ids?: readonly string[];
  /** Only batches not in a final status (true), or only final ones (false). */
  inFlight?: boolean;
  /** Only batches of this table (and column, when given). */
  target?: { tableSchema: string; tableName: string; column?: string };
  runId?: string;
}

export async function listBatches(client: Db, filter: BatchFilter = {}): Promise<BatchRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  if (filter.ids) where.push(`batch_id = ANY(${param(filter.ids)}::text[])`);
  if (filter.inFlight !== undefined) where.push(`${filter.inFlight ? 'NOT ' : ''}(status = ANY(${param(FINAL_STATUSES)}::text[]))`);
  if (filter.target) {
    where.push(`table_schema = ${param(filter.target.tableSchema)} AND table_name = ${param(filter.target.tableName)}`);
    if (filter.target.column !== undefined) where.push(`column_name = ${param(filter.target.column)}`);
  }
  if (filter.runId !== undefined) where.push(`run_id = ${param(filter.runId)}`);
  const { rows } = await client.query<BatchRecord>(
    `SELECT ${COLUMNS} FROM vecfill.batches ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, batch_id`,
    params,
  );
  return rows;
}

export async function getBatch(client: Db, batchId: string, lock = false): Promise<BatchRecord | undefined> {
  const { rows } = await client.query<BatchRecord>(`SELECT ${COLUMNS} FROM vecfill.batches WHERE batch_id = $1${lock ? ' FOR UPDATE' : ''}`, [batchId]);
  return rows[0];
}

export async function markIngested(client: Db, batchId: string, done: { rowsUpdated: number; tokens: number }): Promise<void> {
  await client.query(
    `UPDATE vecfill.batches SET ingested_at = now(), updated_at = now(), rows_updated = $2,
       tokens_used = greatest(coalesce(tokens_used, 0), $3) WHERE batch_id = $1`,
    [batchId, done.rowsUpdated, done.tokens],
  );
}

