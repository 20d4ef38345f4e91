// prepare: rows whose vector column is NULL → Batch API request files, through a server-side cursor
// (constant memory whatever the table's size). One request per row, custom_id = the row id as text, so
// the output also works with a plain `vecfill ingest`. Nothing is written before the target, the text
// column and the model's output size have been checked against the catalog.
import { withTransaction, type Db } from '../db/db.js';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DbInput, useDb } from '../db/open.js';
import { parseQualifiedName, quoteIdent } from '../db/identifiers.js';
import { sqlFile, sqlTemplate } from '../db/sql-files.js';
import { resolveTarget, type Target, type TargetSpec } from '../db/target.js';
import { ledgerExists } from './ledger.js';
import { HOLDING_STATUSES } from './states.js';
import { manifestPath, writeManifest } from './manifest.js';
import { checkDimensions, DEFAULT_MODEL, estimateCost, MAX_INPUT_TOKENS } from './models.js';
import { RequestFiles, requestFileName, type RequestFileLimits, type WrittenFile } from './request-files.js';
import { ledgerTarget } from './target-names.js';
import { fitTokens } from './tokens.js';
import { TargetError } from '../errors.js';

/** What prepare() takes. */
export interface PrepareOptions extends TargetSpec {
  /** A connection string, a connected pg client (left open), or a Db. */
  db: DbInput;
  /** The column with the text to embed. */
  textColumn: string;
  /** Raw SQL, ANDed to the selection: it is the user's own SQL, by design. */
  where?: string;
  /** text-embedding-3-small (default), text-embedding-3-large, text-embedding-ada-002. */
  model?: string;
  /** Ask for vectors of this many dimensions (text-embedding-3-* only). */
  dimensions?: number;
  /** base64 (default: smaller and exact) or float. */
  encoding?: 'base64' | 'float';
  /** Requests per file (default and maximum: 50,000). */
  maxRequests?: number;
  /** Directory for the files (created if missing; default "."). */
  out?: string;
  /** File names: PREFIX-0001.jsonl …, PREFIX.manifest.json (default "requests"). */
  prefix?: string;
  /** Cut inputs over the model's limit to fit (default), or leave their rows out (false). */
  truncate?: boolean;
  /** Leave out rows whose (not final) failures number this many or more (default: no limit). */
  maxAttempts?: number;
  signal?: AbortSignal;
}

/** What retry() and run() pass besides. */
export interface PrepareInternals extends RequestFileLimits {
  /** Only rows the ledger has seen fail or leave with a failed batch: the rows to retry (vecfill retry). */
  onlyRetry?: boolean;
}

/** A count and the first few row ids, for reports. */
export interface RowList {
  count: number;
  ids: string[];
}

/** What prepare() wrote, and the rows it left out. */
export interface PrepareSummary {
  table: string;
  idColumn: string;
  column: string;
  textColumn: string;
  model: string;
  /** The `dimensions` sent, or null for the model's own. */
  dimensions: number | null;
  outputDims: number;
  encoding: 'base64' | 'float';
  files: WrittenFile[];
  manifest: string | null;
  requests: number;
  tokens: number;
  /** US dollars at Batch API prices. */
  estimatedCost: number;
  /** NULL or blank text: never sent. */
  emptyText: RowList;
  /** Over the input limit, cut to fit and sent. */
  truncated: RowList;
  /** Over the input limit and left out (--no-truncate). */
  tooLong: RowList;
  /** Left out: a batch in flight carries them. */
  inFlight: number;
  /** Left out: failed for good earlier (see vecfill.row_failures). */
  failedForGood: number;
  /** Left out: failed maxAttempts times already. */
  outOfAttempts: number;
  /** Left out with onlyRetry: never submitted (vecfill prepare sends them). */
  neverSubmitted: number;
}

const IDS_KEPT = 20;
const FETCH_ROWS = 500;

/**
 * Writes Batch API request files (and their manifest, for submit()) for the rows whose vector column is
 * NULL, one /v1/embeddings request per row, custom_id = the row id; resolves with the estimate.
 */
export function prepare(opts: PrepareOptions): Promise<PrepareSummary> {
  return prepareRequests(opts);
}

/** prepare(), with the knobs of PrepareInternals. */
export async function prepareRequests(opts: PrepareOptions & PrepareInternals): Promise<PrepareSummary> {
  return useDb(opts.db, (client) => writeRequests(client, opts));
}

async function writeRequests(client: Db, opts: PrepareOptions & PrepareInternals): Promise<PrepareSummary> {
  const model = opts.model ?? DEFAULT_MODEL;
  const encoding = opts.encoding ?? 'base64';
  const target = await resolveTarget(client, opts);
  const [textName] = parseQualifiedName(opts.textColumn, 1, 'text column');
  await checkTextColumn(client, target, textName);
  const outputDims = checkDimensions({ name: `${target.name}.${target.column.name}`, type: target.column.type, dims: target.column.dims }, model, opts.dimensions);
  const dir = opts.out ?? '.';
  const prefix = opts.prefix ?? 'requests';
  await refuseExisting(dir, prefix);

  const names = ledgerTarget(target);
  const summary: PrepareSummary = {
    table: target.name, idColumn: target.idColumn.name, column: target.column.name, textColumn: textName,
    model, dimensions: opts.dimensions ?? null, outputDims, encoding, files: [], manifest: null,
    requests: 0, tokens: 0, estimatedCost: 0,
    emptyText: { count: 0, ids: [] }, truncated: { count: 0, ids: [] }, tooLong: { count: 0, ids: [] },
    inFlight: 0, failedForGood: 0, outOfAttempts: 0, neverSubmitted: 0,
  };
  const note = (list: RowList, id: string) => {
    if (list.count++ < IDS_KEPT) list.ids.push(id);
  };
  const body = { model, encoding_format: encoding, ...(opts.dimensions !== undefined ? { dimensions: opts.dimensions } : {}) };
  const truncate = opts.truncate ?? true;

  const withLedger = await ledgerExists(client);
  const onlyRetry = opts.onlyRetry ?? false;
  const flags = withLedger
    ? sqlTemplate('prepare-flags.sql', { id: target.idColumn.sql })
    : `SELECT false AS in_flight, false AS failed, false AS exhausted, ${onlyRetry} AS unseen`;
  const select = sqlTemplate('prepare-rows.sql', {
    flags, table: target.sql, id: target.idColumn.sql, text: quoteIdent(textName), column: target.column.sql,
    where: opts.where?.trim() ? opts.where : 'true',
  });
  const files = new RequestFiles(dir, prefix, opts);
  let created = false;
  try {
    await withTransaction(client, async () => {
      // The user's --where is in it: one statement, inside this READ ONLY transaction, whatever it says.
      await client.query(`DECLARE vecfill_prepare NO SCROLL CURSOR FOR ${select}`,
        withLedger ? [names.tableSchema, names.tableName, names.column, opts.maxAttempts ?? null, onlyRetry, HOLDING_STATUSES] : [])
        .catch((err: Error) => { throw whereError(err, opts.where); });
      for (;;) {
        opts.signal?.throwIfAborted();
        const { rows } = await client.query<{ id: string; in_flight: boolean; failed: boolean; exhausted: boolean; unseen: boolean; text: string | null }>(`FETCH ${FETCH_ROWS} FROM vecfill_prepare`);
        if (rows.length === 0) break;
        for (const row of rows) {
          if (row.in_flight) { summary.inFlight++; continue; }
          if (row.failed) { summary.failedForGood++; continue; }
          if (row.exhausted) { summary.outOfAttempts++; continue; }
          if (row.unseen) { summary.neverSubmitted++; continue; }
          if (row.text === null || row.text.trim() === '') { note(summary.emptyText, row.id); continue; }
          const fitted = fitTokens(row.text, truncate ? MAX_INPUT_TOKENS : Infinity);
          if (fitted.tokens > MAX_INPUT_TOKENS) { note(summary.tooLong, row.id); continue; }
          if (fitted.truncated) note(summary.truncated, row.id);
          if (!created) {
            await mkdir(dir, { recursive: true });
            created = true;
          }
          await files.add(JSON.stringify({ custom_id: row.id, method: 'POST', url: '/v1/embeddings', body: { ...body, input: fitted.text } }), fitted.tokens);
          summary.requests++;
          summary.tokens += fitted.tokens;
        }
      }
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    summary.files = await files.close();
    if (summary.files.length > 0) {
      summary.manifest = await writeManifest(dir, prefix, {
        table: { schema: names.tableSchema, name: names.tableName }, idColumn: names.idColumn, column: names.column,
        model, dimensions: opts.dimensions ?? null, encoding,
      }, summary.files);
    }
  } catch (err) {
    await files.abort().catch(() => {});
    throw err;
  }
  summary.estimatedCost = estimateCost(model, summary.tokens);
  return summary;
}

/** An error the --where text caused (SQLSTATE class 42: syntax, unknown names, several statements;
 *  not 42501, a missing privilege) says so; any other stays as it is. */
function whereError(err: Error & { code?: string }, where: string | undefined): Error {
  if (!where?.trim() || !err.code?.startsWith('42') || err.code === '42501') return err;
  const several = /multiple commands/.test(err.message) ? 'one condition, not several statements: ' : '';
  return new TargetError(`--where ${JSON.stringify(where)}: ${several}${err.message}`);
}

async function checkTextColumn(client: Db, target: Target, name: string): Promise<void> {
  const { rows } = await client.query(sqlFile('text-column.sql'), [target.sql, name]);
  if (rows.length === 0) throw new TargetError(`column ${target.name}.${name} does not exist; choose the text to embed with --text-column`);
}

/** Files of an earlier prepare are never overwritten: they may not have been submitted yet. */
async function refuseExisting(dir: string, prefix: string): Promise<void> {
  for (const path of [manifestPath(dir, prefix), join(dir, requestFileName(prefix, 1))]) {
    const exists = await access(path).then(() => true, () => false);
    if (exists) throw new TargetError(`${path} already exists (an earlier prepare?); submit or remove those files, or choose another --out`);
  }
}
