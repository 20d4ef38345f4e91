// sql/ templates: {placeholders} are filled in the SQL code only, never inside a comment, a string or a
// quoted identifier, and a value is never scanned again. Proved against PostgreSQL's own lexer: seeded
// generated statements mix placeholders with comments and literals that hold braces, quotes, comment
// markers and dollar signs; the filled text must be what the generator expects, and PostgreSQL must read
// that text as the generator says (each column's value and name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillTemplate, sqlTemplate } from '../src/db/sql-files.js';
import { withClient } from './helpers/db.js';
import { prng } from './helpers/output.js';

/** What {v} is filled with: it holds a placeholder itself, which must stay as it is. */
const VALUE = "'V{v}'";

/** A select-list expression: its template text, the text once filled, and the value PostgreSQL gives. */
interface Expr {
  template: string;
  filled: string;
  value: string;
}

const same = (text: string, value: string): Expr => ({ template: text, filled: text, value });
const EXPRESSIONS: Expr[] = [
  { template: '{v}', filled: VALUE, value: 'V{v}' },
  { template: "'{v}' || {v}", filled: `'{v}' || ${VALUE}`, value: '{v}V{v}' },
  same("'a{v}b'", 'a{v}b'),
  same("'it''s {v}'", "it's {v}"),
  same("'/* {v} -- '", '/* {v} -- '),
  same("E'q\\'{v}\\\\'", "q'{v}\\"),
  same("e'\\\\'", '\\'),
  // In an E'…' string a doubled quote does not end it either (a plain '…' starting there would).
  same("E'a''\\'{v}'", "a''{v}"),
  // name'…' is a typed literal, not an E'…' string: the backslash escapes nothing.
  { template: "name'back\\' || {v}", filled: `name'back\\' || ${VALUE}`, value: 'back\\V{v}' },
  same("$${v}'--$$", "{v}'--"),
  same('$t1$ $$ {v} $t1$', ' $$ {v} '),
  same("U&'\\0041{v}'", 'A{v}'),
  same("'x' /* {v} */ || 'y'", 'xy'),
  same("/* outer /* {v} */ {v} it's still a comment */ 'n'", 'n'),
  same("'m' -- {v} it's a comment\n", 'm'),
  // a$b$ is an identifier ($ may follow its first character), not the start of a dollar quote.
  { template: '(SELECT a$b$ FROM (SELECT {v} AS a$b$) s)', filled: `(SELECT a$b$ FROM (SELECT ${VALUE} AS a$b$) s)`, value: 'V{v}' },
  { template: '$1::text || {v}', filled: `$1::text || ${VALUE}`, value: 'P{v}V{v}' },
];

const ALIASES: { template: string; name: string }[] = [
  { template: 'c', name: 'c' },
  { template: '"{v}"', name: '{v}' },
  { template: '"a""{v}"', name: 'a"{v}' },
  { template: 'x$v$', name: 'x$v$' },
];

const FILLERS = [' ', '\n', '\t', "-- {v} ' \" $$ /*\n", "/* {v} ' \" $$ -- */", '/* a /* {v} */ b */ ', '--{v}\r'];

function generate(rnd: () => number): { template: string; filled: string; values: string[]; names: string[] } {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  let template = 'SELECT ';
  let filled = 'SELECT ';
  const values: string[] = [];
  const names: string[] = [];
  const n = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < n; k++) {
    const e = pick(EXPRESSIONS);
    const a = pick(ALIASES);
    const f = pick(FILLERS);
    const sep = k === 0 ? '' : ',';
    template += `${sep}${f}${e.template} AS ${a.template}`;
    filled += `${sep}${f}${e.filled} AS ${a.template}`;
    values.push(e.value);
    names.push(a.name);
  }
  return { template, filled, values, names };
}

test('placeholders are filled in code only, as PostgreSQL reads the statement (seeded, generated)', async () => {
  const seed = Number(process.env.SQL_TEMPLATE_SEED ?? 20240611);
  const rnd = prng(seed);
  await withClient(async (c) => {
    for (let k = 0; k < 600; k++) {
      const g = generate(rnd);
      const where = `seed ${seed}, statement ${k}:\n${g.template}`;
      assert.equal(fillTemplate(g.template, { v: VALUE }), g.filled, where);
      const params = g.filled.includes('$1::text') ? ['P{v}'] : [];
      // The row as PostgreSQL's own json spells it: every column in order, names repeated as they are.
      const res = await c.query<{ key: string; value: string }>(
        `SELECT j.key, j.value FROM (${g.filled}\n) AS q, json_each_text(row_to_json(q)) WITH ORDINALITY AS j ORDER BY j.ordinality`, params);
      assert.deepEqual(res.rows.map((r) => r.value), g.values, `${where}\nPostgreSQL reads other values`);
      assert.deepEqual(res.rows.map((r) => r.key), g.names, `${where}\nPostgreSQL reads other names`);
    }
  });
});

test("the sql/ files' comments name placeholders in braces, and keep them", () => {
  const text = sqlTemplate('unknown-ids.sql', { segments: 'SELECT 1, 2', target: '"t"', id: '"id"' });
  assert.match(text, /^-- \{segments\}: "SELECT id, ord FROM seg1 UNION ALL …"; \{target\}, \{id\}: /m);
  assert.match(text, /FROM \(SELECT 1, 2\) AS u/);
  assert.match(text, /FROM "t" AS d WHERE d\."id" = u\.id/);
});

test('a placeholder without a value is an error that names it', () => {
  assert.throws(() => sqlTemplate('unknown-ids.sql', { segments: 'SELECT 1, 2', id: '"id"' }), /sql\/unknown-ids\.sql needs a value for \{target\}/);
  assert.throws(() => fillTemplate('SELECT {a}', {}), /needs a value for \{a\}/);
});
