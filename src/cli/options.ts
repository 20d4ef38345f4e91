// options: what several commands parse the same way.
import { UsageError } from './usage.js';

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

export const n = (x: number) => x.toLocaleString('en-US');

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
