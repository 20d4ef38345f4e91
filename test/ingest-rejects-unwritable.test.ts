// A rejects path that cannot be written fails the ingest with a message that names the file and why
// (a directory, no such directory, no permission, a full disk), exit 1, no stack trace, and the table
// untouched. A full disk is tried twice: /dev/full (a device, written directly), and a small tmpfs
// filled up by the rejects (a temporary file beside an older rejects file, which is left as it was).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createTable, DB_URL, dropTable, snapshot, tableName } from './helpers/db.js';
import { runCli } from './helpers/cli.js';
import { runCliWith } from './helpers/cli-with.js';
import { tempDir, writeLines } from './helpers/files.js';
import { okLine } from './helpers/output.js';

/** Good lines and, between them, bad lines of ~300 bytes each (rejects with their raw text). */
function lines(bad: number): string[] {
  const all = [okLine('1', [1, 2, 3]), okLine('2', [4, 5, 6])];
  for (let k = 0; k < bad; k++) all.push(`{"custom_id": "${k}", "oops": "${'x'.repeat(280)}"`);
  return all;
}

function input(bad: number): string {
  return lines(bad).join('\n') + '\n';
}

async function setUp(t: import('node:test').TestContext) {
  const table = tableName('rjun');
  await createTable(table, [1, 2]);
  t.after(() => dropTable(table));
  const dir = await tempDir();
  t.after(dir.cleanup);
  const before = await snapshot(table);
  return { table, dir, untouched: async () => assert.deepEqual(await snapshot(table), before, 'the table is untouched') };
}

function failedClearly(r: { code: number | null; stderr: string }, why: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, why);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, 'one line');
}

test('a directory, or a directory that does not exist: exit 1, named, table untouched', async (t) => {
  const s = await setUp(t);
  const r1 = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.dir.dir], input(1));
  failedClearly(r1, /^vecfill ingest: cannot write the rejects file .*: it is a directory; nothing was changed$/m);
  const r2 = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', s.dir.path('nope/rejects.jsonl')], input(1));
  failedClearly(r2, /^vecfill ingest: cannot write the rejects file .*nope\/rejects\.jsonl: no such directory; nothing was changed$/m);
  await s.untouched();
});

// Root writes wherever it likes (CAP_DAC_OVERRIDE): as root the CLI runs in a child without that
// override, still root, so it reads the checkout wherever it lies (another user, e.g. nobody, cannot
// enter a clone inside a directory of mode 0700 and fails on that instead). Anyone else is refused
// by the mode itself, in this process.
const AS_ROOT = process.getuid?.() === 0;
const CAN_DROP_OVERRIDE = !AS_ROOT || spawnSync('setpriv', ['--version']).status === 0;

test('no permission to write beside the path: exit 1, named, older file and table untouched',
  { skip: !CAN_DROP_OVERRIDE && 'runs as root, and needs setpriv (util-linux) to run the CLI without root\'s permission override' }, async (t) => {
  const s = await setUp(t);
  const ro = s.dir.path('ro');
  await mkdir(ro);
  await writeFile(`${ro}/rejects.jsonl`, 'older\n', { mode: 0o666 }); // writable, but nothing may be created beside it
  const input = await writeLines(s.dir.path('in.jsonl'), lines(3));
  await chmod(ro, 0o555);
  try {
    const args = ['ingest', '--db', DB_URL, '--table', s.table, '--rejects', `${ro}/rejects.jsonl`, input];
    const r = AS_ROOT ? await runCliWith(args, { noPermissionOverride: true }) : await runCli(args);
    failedClearly(r, /^vecfill ingest: cannot write the rejects file .*ro\/rejects\.jsonl: permission denied; nothing was changed$/m);
    assert.equal(await readFile(`${ro}/rejects.jsonl`, 'utf8'), 'older\n');
    assert.deepEqual(await readdir(ro), ['rejects.jsonl'], 'no temporary file left');
  } finally {
    await chmod(ro, 0o755); // so that the directory can be removed
  }
  await s.untouched();
});

test('/dev/full: exit 1, "no space left on device", table untouched', async (t) => {
  const s = await setUp(t);
  for (const bad of [1, 5000]) {
    const r = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', '/dev/full'], input(bad));
    failedClearly(r, /^vecfill ingest: cannot write the rejects file \/dev\/full: no space left on device; nothing was changed$/m);
    await s.untouched();
  }
});

test('a disk that fills up: exit 1, the older rejects file as it was, no temporary file left, table untouched', { skip: process.getuid?.() !== 0 && 'needs root, to mount a tmpfs' }, async (t) => {
  const s = await setUp(t);
  const mnt = s.dir.path('small');
  await mkdir(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
  try {
    await writeFile(`${mnt}/rejects.jsonl`, 'older\n');
    const r = await runCli(['ingest', '--db', DB_URL, '--table', s.table, '--rejects', `${mnt}/rejects.jsonl`], input(1000)); // ~300 KB of rejects
    failedClearly(r, /^vecfill ingest: cannot write the rejects file .*small\/rejects\.jsonl: no space left on device; nothing was changed$/m);
    assert.equal(await readFile(`${mnt}/rejects.jsonl`, 'utf8'), 'older\n');
    assert.deepEqual(await readdir(mnt), ['rejects.jsonl']);
    await s.untouched();
  } finally {
    execFileSync('umount', [mnt]); // before the directory is removed
  }
});
