// vecfill similar says what is wrong: an unknown row, table or column, or a row without a vector,
// exit 1; a call that cannot work (no --table, --id and --text, an id of the wrong type), exit 2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDatabase } from './helpers/batch.js';
import { run } from './helpers/run.js';

test('similar: unknown id, table, column and NULL vectors exit 1; usage mistakes exit 2', async (t) => {
  const db = await freshDatabase(t);
  await db.sql('CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(2))');
  await db.sql("INSERT INTO docs VALUES (1, 'a', '[1,0]'), (2, 'b', NULL)");
  const similar = (...args: string[]) => run(['similar', '--db', db.url, ...args], '', { OPENAI_API_KEY: '' });
  const cases: [string[], number, RegExp][] = [
    [['--table', 'docs', '--id', '42'], 1, /no row of public\.docs has id 42\n/],
    [['--table', 'docs', '--id', '2'], 1, /row 2 of public\.docs has no vector in embedding \(NULL\): fill it first/],
    [['--table', 'nope', '--id', '1'], 1, /no table nope in this database/],
    [['--table', 'docs', '--id', '1', '--column', 'body'], 1, /column public\.docs\.body is text, not a pgvector vector/],
    [['--table', 'docs', '--id', '1', '--text-column', 'title'], 1, /column public\.docs\.title does not exist/],
    [['--table', 'docs', '--id', 'x1'], 2, /id "x1" is no value of public\.docs\.id \(bigint\)/],
    [['--id', '1'], 2, /--table is required/],
    [['--table', 'docs'], 2, /give --id ID or --text TEXT/],
    [['--table', 'docs', '--id', '1', '--text', 'a'], 2, /give --id ID or --text TEXT/],
    [['--table', 'docs', '--id', '1', '-k', '0'], 2, /-k takes a whole number ≥ 1/],
    [['--table', 'docs', '--id', '1', '--emulated'], 2, /--emulated goes with --text/],
    [['--table', 'docs', '--text', 'a'], 2, /OPENAI_API_KEY is not set/],
  ];
  for (const [args, code, message] of cases) {
    const r = await similar(...args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.doesNotMatch(r.stderr, /nothing was changed|at .*\.ts:\d+/, 'a look-up, and no stack');
  }
});
