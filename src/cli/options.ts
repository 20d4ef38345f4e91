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
