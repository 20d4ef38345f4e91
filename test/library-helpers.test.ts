// The package's small helpers: SQL names parsed and quoted as SQL reads them, and the error classes,
// each a VecfillError with its stable code, as a library caller tells them apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiError, ConnectError, DimensionError, IdentifierError, ingest, parseQualifiedName, quoteIdent, quoteQualified, RejectsError,
  RequestFileError, TargetError, UsageError, VecfillError,
} from '../src/index.js';

test('parseQualifiedName folds unquoted parts and keeps quoted ones; quoteIdent and quoteQualified quote every part', () => {
  assert.deepEqual(parseQualifiedName('App.Docs', 2, 'table'), ['app', 'docs']);
  assert.deepEqual(parseQualifiedName('"My Schema"."Do""cs"', 2, 'table'), ['My Schema', 'Do"cs']);
  assert.throws(() => parseQualifiedName('docs; drop', 2, 'table'), IdentifierError);
  assert.equal(quoteIdent('Do"cs'), '"Do""cs"');
  assert.equal(quoteQualified(['My Schema', 'docs']), '"My Schema"."docs"');
});

test('each error class is a VecfillError with its own code', () => {
  const classes = [
    [UsageError, 'VECFILL_USAGE'], [IdentifierError, 'VECFILL_IDENTIFIER'], [ConnectError, 'VECFILL_CONNECT'],
    [TargetError, 'VECFILL_TARGET'], [DimensionError, 'VECFILL_DIMENSION'], [RequestFileError, 'VECFILL_REQUEST_FILE'],
    [ApiError, 'VECFILL_API'], [RejectsError, 'VECFILL_REJECTS'],
  ] as const;
  for (const [Class, code] of classes) {
    const err = new Class('why');
    assert.ok(err instanceof VecfillError && err instanceof Error);
    assert.equal(err.code, code);
    assert.equal(err.name, Class.name);
  }
});

test('a library call fails with the class that says why', async () => {
  await assert.rejects(ingest({ db: 'postgres://nobody@127.0.0.1:1/none', table: 'docs', inputs: [] }), ConnectError);
  await assert.rejects(ingest({ db: 'postgres://nobody@127.0.0.1:1/none', table: 'bad name' }), (e) => e instanceof IdentifierError || e instanceof ConnectError);
});
