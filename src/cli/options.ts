// options: what several commands parse the same way.
import type { ApiOptions } from '../batch/api-options.js';
import { isPgliteUrl, pgliteDirectory, pgliteNeedsInit } from '../db/pglite-url.js';
import { UsageError } from '../errors.js';

/** The database when neither --db nor the environment names one: embedded, in the working directory. */
export const DEFAULT_DB = 'pglite:./.vecfill/pglite';

/** Lines already said on stderr: each once per process, however many times the URL is read. */
const said = new Set<string>();

/** --db, else $DATABASE_URL, else the PG* variables when $PGHOST is set, else the embedded database
 *  in ./.vecfill/pglite (said on stderr, once). Says so, too, when an embedded database is created. */
export function databaseUrl(db: string | undefined): string {
  let url = db || process.env.DATABASE_URL;
  if (!url && process.env.PGHOST) url = 'postgres://'; // node-postgres fills in the rest from PG*
  if (!url) {
    url = DEFAULT_DB;
    say(`no --db, DATABASE_URL or PGHOST: using the embedded database in ${pgliteDirectory(url)}`);
  }
  if (isPgliteUrl(url) && pgliteNeedsInit(pgliteDirectory(url))) {
    say(`creating the embedded database in ${pgliteDirectory(url)} (initdb: a few seconds, once)`);
  }
  return url;
}

function say(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  process.stderr.write(`vecfill: ${line}\n`);
}

export function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} takes a whole number ≥ 1, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** The options of the commands that write request files (prepare, retry, run), as parseArgs takes them. */
export const REQUEST_OPTIONS = {
  db: { type: 'string' },
  table: { type: 'string' },
  'text-column': { type: 'string' },
  'id-column': { type: 'string' },
  column: { type: 'string' },
  where: { type: 'string' },
  model: { type: 'string' },
  dimensions: { type: 'string' },
  encoding: { type: 'string' },
  'max-requests': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RequestValues {
  db?: string; table?: string; 'text-column'?: string; 'id-column'?: string; column?: string; where?: string;
  model?: string; dimensions?: string; encoding?: string; 'max-requests'?: string; out?: string;
}

/** Those options checked, in the shape prepare(), retry() and runFill() take them. */
export function requestSelection(values: RequestValues, positionals: string[], tableRole: string, defaultEncoding?: 'base64') {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values.table) throw new UsageError(`--table is required (${tableRole})`);
  if (!values['text-column']) throw new UsageError('--text-column is required (the column with the text to embed)');
  const encoding = values.encoding ?? defaultEncoding;
  if (encoding !== undefined && encoding !== 'base64' && encoding !== 'float') {
    throw new UsageError(`--encoding is base64 or float, not ${JSON.stringify(encoding)}`);
  }
  const checked: 'base64' | 'float' | undefined = encoding;
  const maxRequests = positiveInt(values['max-requests'], '--max-requests');
  if (maxRequests !== undefined && maxRequests > 50_000) throw new UsageError('--max-requests is at most 50000 (the Batch API limit)');
  return {
    table: values.table,
    idColumn: values['id-column'],
    column: values.column,
    textColumn: values['text-column'],
    where: values.where,
    model: values.model,
    dimensions: positiveInt(values.dimensions, '--dimensions'),
    encoding: checked,
    maxRequests,
    out: values.out,
  };
}

/** --retry-for, as parseArgs takes it. */
export const RETRY_OPTION = { 'retry-for': { type: 'string' } } as const;

/** The help lines of --retry-for, with the command's default, aligned at `column` as its help is. */
export function retryForHelp(defaultText: string, column: number): string {
  return optionHelp('--retry-for TIME', `keep trying each API call through transient faults (dropped connections, timeouts, 408, 409, 429, 5xx) for up to TIME: 90s, 10m, 2h; 0 tries once (default: ${defaultText})`, column);
}

/** The help lines of --db, aligned at `column` as the command's help is. */
export function dbHelp(column: number): string {
  return optionHelp('--db URL', 'postgres://… (default: $DATABASE_URL; the PG* variables fill in what it leaves out), or pglite:DIR, an embedded database kept in DIR (created on first use); with neither and no $PGHOST: pglite:./.vecfill/pglite', column);
}

/** An option's help: its text wrapped to 96 columns, aligned at `column`. */
function optionHelp(option: string, text: string, column: number): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = `  ${option}`;
  if (line.length + 2 > column) {
    lines.push(line);
    line = '';
  }
  line = line.padEnd(column);
  let fresh = true;
  for (const word of words) {
    if (!fresh && line.length + 1 + word.length > 96) {
      lines.push(line);
      line = ''.padEnd(column);
      fresh = true;
    }
    line += (fresh ? '' : ' ') + word;
    fresh = false;
  }
  lines.push(line);
  return lines.join('\n') + '\n';
}

/** A duration: a number with s, m or h (plain seconds without), in ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new UsageError(`${flag} takes a duration such as 90s, 10m or 2h, not ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/** The API options of a command: OPENAI_API_KEY's client (checked before anything else is done),
 *  --retry-for's budget (the library's default without it), one stderr line per event. The OpenAI SDK
 *  loads here, on use: ~0.1–0.2 s of start-up that `vecfill ingest FILE` (this file's other users)
 *  should not pay. */
export async function commandApi(command: string, retryFor: string | undefined, signal?: AbortSignal): Promise<ApiOptions & { log: (line: string) => void }> {
  const retryForMs = retryFor === undefined ? undefined : parseDuration(retryFor, '--retry-for');
  const { openaiClient } = await import('../batch/openai.js');
  return { openai: openaiClient(), retryForMs, signal, log: (line) => process.stderr.write(`vecfill ${command}: ${line}\n`) };
}

/** --jobs: batches ingested at once (default 1). Said once and run one batch at a time: on the embedded
 *  database (one session in this process), and with --index rebuild (each batch drops the index and
 *  so locks the whole table: the batches could only take turns). */
export function batchJobs(text: string | undefined, url: string, command: string, index: string | undefined): number {
  const jobs = positiveInt(text, '--jobs') ?? 1;
  const why = jobs === 1 ? undefined : isPgliteUrl(url) ? 'the embedded database is one session' : index === 'rebuild' ? '--index rebuild locks the whole table for each batch' : undefined;
  if (why === undefined) return jobs;
  process.stderr.write(`vecfill ${command}: ${why}: --jobs ${jobs} ingests one batch at a time\n`);
  return 1;
}
