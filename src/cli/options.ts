// options: what several commands parse the same way.
import type { ApiOptions } from '../batch/api-options.js';
import { openaiClient } from '../batch/openai.js';
import { UsageError } from '../errors.js';

/** --db, else $DATABASE_URL. */
export function databaseUrl(db: string | undefined): string {
  const url = db ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('no database: pass --db URL or set DATABASE_URL');
  return url;
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
  const words = `keep trying each API call through transient faults (dropped connections, timeouts, 408, 409, 429, 5xx) for up to TIME: 90s, 10m, 2h; 0 tries once (default: ${defaultText})`.split(' ');
  const lines: string[] = [];
  let line = '  --retry-for TIME';
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
 *  --retry-for's budget (the library's default without it), one stderr line per event. */
export function commandApi(command: string, retryFor: string | undefined, signal?: AbortSignal): ApiOptions & { log: (line: string) => void } {
  const retryForMs = retryFor === undefined ? undefined : parseDuration(retryFor, '--retry-for');
  return { openai: openaiClient(), retryForMs, signal, log: (line) => process.stderr.write(`vecfill ${command}: ${line}\n`) };
}
