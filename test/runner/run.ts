// `npm test`: the type check and every test file, in a few processes instead of one per file.
//
//   node --import tsx test/runner/run.ts [FILE…] [--shards N] [--record] [--no-typecheck] [--plan] [--slowest N]
//
// Each shard is one node process that imports its files one after another (test/runner/shard.ts):
// a file's start-up (node, tsx, src/, the embedded database) is paid once per shard, not once per
// file, and the shards run side by side. The files are dealt by the times of test/timings.json so the
// shards end together (test/runner/plan.ts). On PostgreSQL (DATABASE_URL) each shard gets a database
// of its own, made fresh for the run, so shards share nothing but the server.
//
// One file alone, as before: node --import tsx --test test/FILE.test.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { balance, isPure } from './plan.js';
import { shardDatabases } from './databases.js';
import { buildCli } from './build-cli.js';
import { Tally } from './tally.js';
import { RESULT_MARK } from './reporter.js';
import { COMPILED_MARK } from '../helpers/compiled.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEST_DIR = join(ROOT, 'test');
const TIMINGS = join(TEST_DIR, 'timings.json');
const SHARD = fileURLToPath(new URL('./shard.ts', import.meta.url));
const REPORTER = fileURLToPath(new URL('./reporter.ts', import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    shards: { type: 'string' },
    record: { type: 'boolean', default: false },
    'no-typecheck': { type: 'boolean', default: false },
    plan: { type: 'boolean', default: false },
    slowest: { type: 'string' },
  },
});

const server = process.env.DATABASE_URL || undefined;
const kind = server ? 'postgres' : 'embedded';
// Tests wait on I/O as much as they compute (the emulator's polls, a child's start-up): a shard more
// than there are cores keeps both busy.
const shardCount = Number(values.shards ?? process.env.VECFILL_TEST_SHARDS ?? availableParallelism() + 1);
if (!Number.isInteger(shardCount) || shardCount < 1) {
  process.stderr.write(`test runner: --shards (or VECFILL_TEST_SHARDS) takes a whole number ≥ 1, not ${values.shards ?? process.env.VECFILL_TEST_SHARDS}\n`);
  process.exit(2);
}
const typecheck = !values['no-typecheck'] && process.env.VECFILL_TEST_DATABASE_ONLY !== '1';

const files = (positionals.length ? positionals : readdirSync(TEST_DIR).filter((f) => f.endsWith('.test.ts')).map((f) => join(TEST_DIR, f)))
  .map((f) => relative(ROOT, f));
const allTimings = JSON.parse(readFileSync(TIMINGS, 'utf8')) as Record<string, Record<string, number>>;
const timings = allTimings[kind] ?? {};
// Pure files first in each shard: they answer in seconds, and a broken parser shows before the slow half.
const pure = new Set(files.filter((f) => isPure(f)));
const shards = balance(files, Math.min(shardCount, files.length), timings).map((s) => ({
  ...s,
  files: [...s.files.filter((f) => pure.has(f)), ...s.files.filter((f) => !pure.has(f))],
}));

if (values.plan) {
  for (const [k, s] of shards.entries()) process.stdout.write(`shard ${k + 1} (~${s.seconds.toFixed(0)} s): ${s.files.map((f) => basename(f)).join(' ')}\n`);
  process.exit(0);
}

const started = Date.now();
const tally = new Tally((line) => process.stdout.write(`${line}\n`));
const urls = server ? await shardDatabases(server, shards.length) : [];
const cli = await buildCli(ROOT);
const tscOut = mkdtempSync(join(tmpdir(), 'vecfill-test-tsc-'));
process.stdout.write(`${files.length} files in ${shards.length} shards on ${server ? `PostgreSQL (a database each: ${urls.map((u) => new URL(u).pathname.slice(1)).join(', ')})` : 'the embedded database (PGlite)'}${typecheck ? ', beside the type check' : ''}\n`);

const jobs: Promise<void>[] = shards.map((shard, k) => runShard(k + 1, shard.files, urls[k]));
if (typecheck) jobs.push(runTypecheck());
await Promise.all(jobs);
tally.unreported(files);
await cli.remove();
rmSync(tscOut, { recursive: true, force: true });

const seconds = (Date.now() - started) / 1000;
if (values.slowest) tally.slowest(Number(values.slowest));
tally.summary(seconds);
if (values.record) {
  allTimings[kind] = { ...timings, ...tally.fileSeconds() };
  writeFileSync(TIMINGS, `${JSON.stringify(allTimings, null, 2)}\n`);
  process.stdout.write(`timings of ${Object.keys(tally.fileSeconds()).length} files recorded in test/timings.json (${kind})\n`);
}
process.exitCode = tally.failed ? 1 : 0;

function runShard(n: number, shardFiles: string[], url: string | undefined): Promise<void> {
  const child = spawn(process.execPath, [
    '--import', 'tsx',
    `--test-reporter=${REPORTER}`, '--test-reporter-destination=stdout',
    // A test that hangs fails after five minutes instead of holding its shard for ever, and what a
    // failed test left running (a retry's long wait, a server) does not keep the shard from ending.
    '--test-timeout=300000', '--test-force-exit',
    SHARD, ...shardFiles,
  ], {
    cwd: ROOT,
    env: { ...process.env, VECFILL_TEST_CLI: cli.entry, ...(typecheck ? { VECFILL_TEST_COMPILED: tscOut } : {}), ...(url ? { DATABASE_URL: url } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pending = '';
  const line = (text: string) => {
    if (text.startsWith(RESULT_MARK)) tally.add(JSON.parse(text.slice(RESULT_MARK.length)), ROOT);
    else process.stdout.write(`${text}\n`);
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      line(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
  child.stdout!.on('end', () => pending && line(pending));
  return new Promise((resolve) => child.on('close', (code, signal) => {
    process.stdout.write(`shard ${n}: ${shardFiles.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    // A shard that ends badly with no failing test to show for it (a crash, a kill) fails the run.
    if (code !== 0 && !tally.failedIn(shardFiles)) tally.shardFailed(n, code, signal, shardFiles);
    resolve();
  }));
}

/** The type check of the whole project, which also emits it (into tscOut): the pack test takes its
 *  src/ as the package's dist/ instead of compiling it a second time (test/helpers/compiled.ts). */
function runTypecheck(): Promise<void> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const t0 = Date.now();
  const child = spawn(process.execPath, [tsc, '-p', ROOT, '--outDir', tscOut], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('close', (code) => {
    writeFileSync(join(tscOut, COMPILED_MARK), String(code));
    tally.typecheck(code === 0, out, (Date.now() - t0) / 1000);
    resolve();
  }));
}
