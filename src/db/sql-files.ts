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

/** A statement cut at its placeholders: texts[0], keys[0], texts[1], …, texts[keys.length]. */
interface Template {
  texts: string[];
  keys: string[];
}

const templates = new Map<string, Template>();

/**
 * A statement from sql/ with its {placeholders} filled in one pass (a value is never scanned again, so
 * a quoted name that happens to hold "{id}" stays as it is). Values are SQL text built from quoted
 * identifiers and fixed names only; data always goes in as $n parameters.
 */
export function sqlTemplate(name: string, values: Record<string, string>): string {
  let template = templates.get(name);
  if (!template) {
    template = parseTemplate(sqlFile(name));
    templates.set(name, template);
  }
  return fill(template, values, `sql/${name}`);
}

/** sqlTemplate for a statement given as text. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return fill(parseTemplate(text), values, 'the statement');
}

function fill(t: Template, values: Record<string, string>, what: string): string {
  let out = t.texts[0];
  for (let k = 0; k < t.keys.length; k++) {
    const value = values[t.keys[k]];
    // A placeholder left in would be a syntax error at best: say which one, here.
    if (value === undefined) throw new Error(`${what} needs a value for {${t.keys[k]}}`);
    out += value + t.texts[k + 1];
  }
  return out;
}

const PLACEHOLDER = /\{(\w+)\}/y;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;
const IDENT_CHAR = /[\w$\u0080-\uffff]/;

/**
 * Finds the placeholders of the code, the way PostgreSQL's lexer sees it: never inside a comment
 * (-- to the end of the line; slash-star comments, which nest), a string ('…' with '' inside; E'…',
 * where a backslash escapes too; $tag$…$tag$) or a quoted identifier ("…"). So comments may name
 * placeholders in braces, and a literal such as '{1,2}' stays as it is.
 */
function parseTemplate(sql: string): Template {
  const texts: string[] = [];
  const keys: string[] = [];
  let piece = 0; // where the current text begins
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    const identBefore = i > 0 && IDENT_CHAR.test(sql[i - 1]);
    if (c === '-' && next === '-') {
      i = lineEnd(sql, i);
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(sql, i);
    } else if (c === "'") {
      // E'…' only when the E starts a token (in name'…' the e ends the identifier).
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !(i > 1 && IDENT_CHAR.test(sql[i - 2]));
      i = quotedEnd(sql, i, "'", escapes);
    } else if (c === '"') {
      i = quotedEnd(sql, i, '"', false);
    } else if (c === '$' && !identBefore && (DOLLAR_TAG.lastIndex = i, DOLLAR_TAG.test(sql))) {
      // $1 is a parameter (no tag starts with a digit); a$b$ is an identifier (checked above).
      const tag = sql.slice(i, DOLLAR_TAG.lastIndex);
      const close = sql.indexOf(tag, DOLLAR_TAG.lastIndex);
      i = close < 0 ? sql.length : close + tag.length;
    } else if (c === '{' && (PLACEHOLDER.lastIndex = i, PLACEHOLDER.test(sql))) {
      texts.push(sql.slice(piece, i));
      keys.push(sql.slice(i + 1, PLACEHOLDER.lastIndex - 1));
      i = piece = PLACEHOLDER.lastIndex;
    } else {
      i++;
    }
  }
  texts.push(sql.slice(piece));
  return { texts, keys };
}

function lineEnd(sql: string, from: number): number {
  for (let i = from; i < sql.length; i++) if (sql[i] === '\n' || sql[i] === '\r') return i + 1;
  return sql.length;
}

function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      i++;
      if (--depth === 0) return i + 1;
    }
  }
  return sql.length;
}

/** The end of a quoted string or identifier opening at `from`; a doubled quote stays inside. */
function quotedEnd(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  for (let i = from + 1; i < sql.length; i++) {
    if (backslashEscapes && sql[i] === '\\') i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i++;
    }
  }
  return sql.length;
}
