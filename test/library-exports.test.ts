// The package's surface (src/index.ts): every export is listed here with the test that proves it, so a
// new export without a test fails; every export, types included, carries TSDoc; every function has its
// snippet in the README's "Library" section. "Proves it" is read by the type checker, not by a search
// for the name: the test file imports the export from src/index.ts and calls it (a class: uses it as
// a value), so a name in a comment or an internal module's copy does not count.
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

const ENTRY = join(ROOT, 'src', 'index.ts');

/** One program over src/index.ts and the test files of TESTED, made once for this file's tests. */
let made: ts.Program | undefined;
function program(): ts.Program {
  made ??= ts.createProgram([ENTRY, ...new Set(Object.values(TESTED).map((f) => join(ROOT, 'test', f)))],
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
  return made;
}

/** Whether the test file calls the package's export `name` (a class: uses it as a value), imported
 *  from src/index.ts. */
function calls(file: string, name: string): boolean {
  const checker = program().getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program().getSourceFile(ENTRY)!)!).find((s) => s.name === name)!;
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const isFunction = (target.flags & ts.SymbolFlags.Function) !== 0;
  const source = program().getSourceFile(join(ROOT, 'test', file));
  assert.ok(source, `${file} exists`);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isImportDeclaration(node) || ts.isTypeNode(node)) return;
    if (ts.isIdentifier(node) && node.text === name) {
      // A named import from src/index.ts, or a property of `import * as … from '../src/index.js'`.
      const symbol = checker.getSymbolAtLocation(node);
      const fromIndex = symbol === exported || (symbol !== undefined && (symbol.flags & ts.SymbolFlags.Alias) !== 0 && checker.getImmediateAliasedSymbol(symbol) === exported);
      const expression = ts.isPropertyAccessExpression(node.parent) && node.parent.name === node ? node.parent : node;
      const called = (ts.isCallExpression(expression.parent) || ts.isNewExpression(expression.parent)) && expression.parent.expression === expression;
      if (fromIndex && (called || !isFunction)) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('every value export of the package is listed with the test that calls it', () => {
  assert.deepEqual(Object.keys(library).sort(), Object.keys(TESTED).sort(), 'exports and their tests');
  const missing = Object.entries(TESTED).filter(([name, file]) => !calls(file, name)).map(([name, file]) => `${file} does not call ${name} from src/index.ts`);
  assert.deepEqual(missing, []);
});

test('scanNumber, an internal of the number scanner, is no longer exported', () => {
  assert.equal((library as Record<string, unknown>).scanNumber, undefined);
});

test('every export of src/index.ts, types included, has TSDoc', () => {
  const checker = program().getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program().getSourceFile(ENTRY)!)!;
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
