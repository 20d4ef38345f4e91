// Names from the command line are SQL identifiers: quoted parts keep their case, spaces and quotes;
// unquoted parts fold to lower case; every part is quoted when used, so a name can never inject SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable, DB_URL, dropTable, sql, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { okLine } from './helpers/output.js';
import { parseQualifiedName, quoteIdent, quoteQualified } from '../src/db/identifiers.js';
import { IdentifierError } from '../src/errors.js';

test('a quoted schema, table, id column and vector column with spaces and quotes', async (t) => {
  const schema = `Weird Schema ${tableName('s')}`;
  await sql(`CREATE SCHEMA ${quoteIdent(schema)}`);
  t.after(() => sql(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`));
  const table = `${quoteIdent(schema)}."Docs""Q"`;
  await sql(`CREATE TABLE ${table} ("My Id" bigint PRIMARY KEY, "Vec Tor" vector(3), embedding vector(3), id bigint)`);
  await sql(`INSERT INTO ${table} ("My Id", id) VALUES (1, 2), (2, 1)`);
  const res = await run(['ingest', '--db', DB_URL, '--json', '--table', table, '--id-column', '"My Id"', '--column', '"Vec Tor"'],
    [okLine('1', [1, 2, 3]), okLine('2', [4, 5, 6])].join('\n'));
  assert.equal(res.code, 0, res.stderr);
  assert.equal(JSON.parse(res.stdout).rowsUpdated, 2);
  const { rows } = await sql(`SELECT "My Id" AS id, "Vec Tor"::text AS v, embedding FROM ${table} ORDER BY 1`);
  assert.deepEqual(rows, [{ id: '1', v: '[1,2,3]', embedding: null }, { id: '2', v: '[4,5,6]', embedding: null }]);
});

test('unquoted names fold to lower case, as in SQL', async (t) => {
  const table = tableName('fold');
  await createTable(table, [1]);
  t.after(() => dropTable(table));
  const res = await run(['ingest', '--db', DB_URL, '--table', `PUBLIC.${table.toUpperCase()}`, '--id-column', 'ID', '--column', 'Embedding'],
    okLine('1', [1, 2, 3]) + '\n');
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(Array.from((await storedVector(table, 1))!), [1, 2, 3]);
  // Quoted, the same letters in upper case are another name: there is no such table.
  const quoted = await run(['ingest', '--db', DB_URL, '--table', `"${table.toUpperCase()}"`], okLine('1', [1, 2, 3]) + '\n');
  assert.equal(quoted.code, 1, quoted.stderr);
  assert.ok(quoted.stderr.includes(table.toUpperCase()));
});

test('an injection attempt in a name is a usage error, or a name that does not exist; nothing runs', async (t) => {
  const victim = tableName('victim');
  await createTable(victim, [1]);
  t.after(() => dropTable(victim));
  const attempts = [
    ['--table', `${victim}; DROP TABLE ${victim}`],
    ['--table', victim, '--column', `embedding = NULL; DROP TABLE ${victim}; --`],
    ['--table', victim, '--id-column', `id; DROP TABLE ${victim}`],
    ['--table', `${victim}"; DROP TABLE ${victim}; --`],
  ];
  const results = await Promise.all(attempts.map((a) => run(['ingest', '--db', DB_URL, ...a], okLine('1', [1, 2, 3]) + '\n')));
  for (const [k, res] of results.entries()) assert.equal(res.code, 2, `${attempts[k].join(' ')}: ${res.stderr}`);
  // Quoted, the whole text is one name: a table that does not exist.
  const quoted = await run(['ingest', '--db', DB_URL, '--table', `"${victim}; DROP TABLE ${victim}"`], okLine('1', [1, 2, 3]) + '\n');
  assert.equal(quoted.code, 1, quoted.stderr);
  assert.match(quoted.stderr, /no table/);
  const { rows } = await sql('SELECT to_regclass($1) IS NOT NULL AS exists', [victim]);
  assert.equal(rows[0].exists, true, 'the victim table still exists');
  assert.equal(await storedVector(victim, 1), null);
});

test('parseQualifiedName: SQL identifier rules', () => {
  assert.deepEqual(parseQualifiedName('docs', 2, 'table'), ['docs']);
  assert.deepEqual(parseQualifiedName('App.Docs', 2, 'table'), ['app', 'docs']);
  assert.deepEqual(parseQualifiedName('"Weird Schema"."Docs""Q"', 2, 'table'), ['Weird Schema', 'Docs"Q']);
  assert.deepEqual(parseQualifiedName('"MiXed".lower_CASE', 2, 'table'), ['MiXed', 'lower_case']);
  assert.deepEqual(parseQualifiedName('_x$1', 1, 'column'), ['_x$1']);
  assert.deepEqual(parseQualifiedName('"a.b"', 1, 'column'), ['a.b'], 'a dot inside quotes is part of the name');
  assert.deepEqual(parseQualifiedName('"; DROP TABLE x"', 1, 'column'), ['; DROP TABLE x']);
  assert.deepEqual(parseQualifiedName('Ärger', 1, 'column'), ['Ärger'], 'only ASCII letters fold');
  for (const bad of ['a.b.c', 'bad name', 'docs; DROP TABLE x', '"unclosed', '""', 'a.', '.a', '', '1abc', 'a-b', 'a."b', '"a"b', 'x--']) {
    assert.throws(() => parseQualifiedName(bad, 2, 'table'), IdentifierError, JSON.stringify(bad));
  }
  assert.throws(() => parseQualifiedName('a.b', 1, 'column'), /column "a\.b"/, 'the message names what and the text');
});

test('quoteIdent and quoteQualified: every part quoted, quotes doubled; parse(quote(x)) is x', () => {
  assert.equal(quoteIdent('docs'), '"docs"');
  assert.equal(quoteIdent('Docs"Q'), '"Docs""Q"');
  assert.equal(quoteIdent('"'), '""""');
  assert.equal(quoteQualified(['Weird Schema', 'Docs"Q']), '"Weird Schema"."Docs""Q"');
  assert.throws(() => quoteIdent('a\0b'), IdentifierError);
  for (const parts of [['a'], ['S p', 't"""x'], ['.', '"."'], ['DROP TABLE x; --', 'ü ✓']]) {
    assert.deepEqual(parseQualifiedName(quoteQualified(parts), 2, 'table'), parts);
  }
});

test('quoteIdent agrees with PostgreSQL: a name that needs every kind of quoting resolves to itself', async () => {
  const name = `x "y".z; ${tableName('q')}`;
  await sql(`CREATE TABLE ${quoteIdent(name)} (id int)`);
  try {
    const r = await sql('SELECT c.relname FROM pg_class c WHERE c.oid = to_regclass($1)', [quoteQualified(['public', name])]);
    assert.equal(r.rows[0]?.relname, name);
  } finally {
    await sql(`DROP TABLE ${quoteIdent(name)}`);
  }
});
