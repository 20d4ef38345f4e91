// SQL identifiers from the command line: `docs`, `app.docs`, `"Weird Schema"."Docs""Q"`. Parsed by SQL's
// rules (unquoted parts fold to lower case, "" inside quotes is one "), and only ever used quoted.
import { IdentifierError } from '../errors.js';

/** Splits a possibly qualified name into its parts, folding unquoted parts to lower case. */
export function parseQualifiedName(text: string, maxParts: number, what: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new IdentifierError(`${what} ${JSON.stringify(text)} is not a valid SQL name: ${why}`);
  };
  for (;;) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('a quote is not closed');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { part += '"'; i += 2; continue; }
          i++;
          break;
        }
        part += text[i++];
      }
      if (part === '') fail('an empty quoted name');
      parts.push(part);
    } else {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(text.slice(i));
      if (!m) return fail(`unexpected ${JSON.stringify(text[i] ?? 'end')} (quote names with other characters: "My Table")`);
      // PostgreSQL folds only ASCII letters of unquoted identifiers.
      parts.push(m[0].replace(/[A-Z]+/g, (s) => s.toLowerCase()));
      i += m[0].length;
    }
    if (i === text.length) break;
    if (text[i] !== '.') fail(`unexpected ${JSON.stringify(text[i])}`);
    i++;
  }
  if (parts.length > maxParts) fail(`at most ${maxParts} dot-separated part${maxParts > 1 ? 's' : ''}`);
  return parts;
}

/** One identifier, quoted: the only form in which a name from outside enters SQL text. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new IdentifierError('a SQL name cannot contain a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** A qualified name, each part quoted: ["app", "Docs"] → "app"."Docs". */
export function quoteQualified(parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}
