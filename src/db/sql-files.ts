// Statements live in sql/ as .sql files, read once at run time; the path is the same from src/ and dist/.
import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

export function sqlFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../../sql/${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/**
 * A statement from sql/ with its {placeholders} filled in one pass (a value is never scanned again, so
 * a quoted name that happens to hold "{id}" stays as it is). Values are SQL text built from quoted
 * identifiers and fixed names only; data always goes in as $n parameters.
 */
export function sqlTemplate(name: string, values: Record<string, string>): string {
  return sqlFile(name).replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
