// What `npm pack` ships: dist/, sql/ and README.md; and its types resolve for a consumer. The package is
// built and packed from a copy of the sources (the worktree's dist/ is left alone), unpacked as
// node_modules/vecfill of a consumer directory whose other modules are the package's runtime
// dependencies only (and @types/node): a public type that needs a devDependency fails the typecheck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers/cli.js';
import { compiledProject } from './helpers/compiled.js';

const exec = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const CONSUMER = `import { createIngestStream, ingest, run, status, TargetError, type IngestSummary, type RunOptions } from 'vecfill';
import pg from 'pg';

const client = new pg.Client();
const summary: IngestSummary = await ingest({ db: client, table: 'docs', inputs: ['out.jsonl'], onReject: (r) => r.code.length });
const sink = createIngestStream({ db: 'postgres://localhost/app', table: 'docs' });
const rows: number = (await sink.summary).rowsUpdated + summary.rowsUpdated;
const options: RunOptions = { db: 'postgres://localhost/app', openai: { apiKey: 'sk-x' }, table: 'docs', textColumn: 'body' };
const { batches } = await status({ db: client, table: 'docs' });
export const seen = [rows, options, batches[0]?.status, (await run(options)).filled, new TargetError('x').code];
// @ts-expect-error segmentBytes is internal, not a public option
await ingest({ db: client, table: 'docs', segmentBytes: 10 });
`;

// The package does not depend on the database the suite runs on: CI runs this once, on its first run,
// and sets VECFILL_TEST_DATABASE_ONLY=1 for the second (as it skips the type check there).
const once = process.env.VECFILL_TEST_DATABASE_ONLY === '1' ? 'VECFILL_TEST_DATABASE_ONLY=1: the package is the same on every database; run once' : false;

test('npm pack holds dist, sql and README, and a consumer typechecks against it', { timeout: 120_000, skip: once }, async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'vecfill-pack-'));
  t.after(() => rm(tmp, { recursive: true, force: true }));
  const pkg = join(tmp, 'pkg');
  await mkdir(pkg);
  for (const name of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'src', 'sql']) await cp(join(ROOT, name), join(pkg, name), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  // The test run's type check compiled src/ already, with the options tsconfig.build.json extends.
  const compiled = await compiledProject();
  if (compiled) await cp(join(compiled, 'src'), join(pkg, 'dist'), { recursive: true });
  else await exec(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: pkg });
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: pkg });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  const paths = packed.files.map((f) => f.path);
  for (const want of ['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/run.js', 'sql/ledger.sql']) assert.ok(paths.includes(want), `the tarball holds ${want}`);
  assert.deepEqual(paths.filter((p) => !/^(dist|sql)\//.test(p) && p !== 'README.md' && p !== 'package.json'), [], 'nothing else');

  const consumer = join(tmp, 'consumer');
  const vecfill = join(consumer, 'node_modules', 'vecfill');
  await mkdir(vecfill, { recursive: true });
  await exec('tar', ['xzf', join(tmp, packed.filename), '-C', vecfill, '--strip-components=1']);
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of [...Object.keys(manifest.dependencies), '@types/node']) {
    await mkdir(dirname(join(consumer, 'node_modules', dep)), { recursive: true });
    await symlink(join(ROOT, 'node_modules', dep), join(consumer, 'node_modules', dep));
  }
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  await writeFile(join(consumer, 'consumer.ts'), CONSUMER);
  await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
    files: ['consumer.ts'],
  }));
  const checked = await exec(process.execPath, [TSC, '-p', '.'], { cwd: consumer }).then(() => '', (e: { stdout: string }) => e.stdout);
  assert.equal(checked, '', 'the consumer typechecks');
});
