// The package's surface (src/index.ts): every export is listed here with the test that proves it, so a
// new export without a test fails; every export, types included, carries TSDoc; every function has its
// snippet in the README's "Library" section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import * as library from '../src/index.js';
import { ROOT } from './helpers/cli.js';

/** Each value export, and the test file that calls it. */
const TESTED: Record<string, string> = {
  ingest: 'library-api.test.ts',
  createIngestStream: 'library-ingest-stream.test.ts',
  fileSource: 'ingest-rejects-never-an-input.test.ts',
  streamSource: 'library-api.test.ts',
  prepare: 'library-round-trip.test.ts',
  submit: 'library-round-trip.test.ts',
  status: 'library-round-trip.test.ts',
  cancel: 'library-round-trip.test.ts',
  retry: 'library-round-trip.test.ts',
  run: 'library-round-trip.test.ts',
  ingestBatch: 'library-round-trip.test.ts',
  similar: 'library-round-trip.test.ts',
  parseQualifiedName: 'library-helpers.test.ts',
  quoteIdent: 'library-helpers.test.ts',
  quoteQualified: 'library-helpers.test.ts',
  VecfillError: 'library-helpers.test.ts',
  UsageError: 'library-helpers.test.ts',
  IdentifierError: 'library-helpers.test.ts',
  ConnectError: 'library-helpers.test.ts',
  TargetError: 'library-helpers.test.ts',
  DimensionError: 'library-helpers.test.ts',
  RequestFileError: 'library-helpers.test.ts',
  ApiError: 'library-helpers.test.ts',
  RejectsError: 'library-helpers.test.ts',
};

/** The functions a README snippet shows (the error classes are listed there together). */
const FUNCTIONS = ['ingest', 'createIngestStream', 'prepare', 'submit', 'status', 'cancel', 'retry', 'run', 'ingestBatch', 'similar',
  'parseQualifiedName', 'quoteIdent', 'quoteQualified'];

test('every value export of the package is listed with the test that calls it', async () => {
  assert.deepEqual(Object.keys(library).sort(), Object.keys(TESTED).sort(), 'exports and their tests');
  for (const [name, file] of Object.entries(TESTED)) {
    const text = await readFile(join(ROOT, 'test', file), 'utf8');
    assert.match(text, new RegExp(`\\b${name}\\b`), `${file} uses ${name}`);
  }
});

test('scanNumber, an internal of the number scanner, is no longer exported', () => {
  assert.equal((library as Record<string, unknown>).scanNumber, undefined);
});

test('every export of src/index.ts, types included, has TSDoc', () => {
  const entry = join(ROOT, 'src', 'index.ts');
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = checker.getExportsOfModule(moduleSymbol);
  assert.ok(exports.length > 40, `the walk found the exports (${exports.length})`);
  const undocumented = exports.filter((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '';
  }).map((s) => s.name);
  assert.deepEqual(undocumented, [], 'exports without TSDoc');
});

test('the README\'s Library section has a snippet for every function', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Library');
  assert.ok(start >= 0, 'a "## Library" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const code = [...section.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
  for (const name of FUNCTIONS) assert.match(code, new RegExp(`\\b${name}\\(`), `a snippet calls ${name}()`);
  for (const name of Object.keys(TESTED).filter((n) => n.endsWith('Error'))) assert.match(section, new RegExp(`\\b${name}\\b`), `the section names ${name}`);
});
