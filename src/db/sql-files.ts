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
