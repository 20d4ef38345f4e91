// Runs the real CLI as helpers/cli.ts does, with two things those helpers fix left open: stdin from an
// open file (as `vecfill … < FILE` gives it), and another user (uid/gid: root passes every permission
// check, so "permission denied" needs someone else).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliResult } from './cli.js';
import { cliEntry } from './cli-entry.js';
import { releaseDb } from './db.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliWith {
  /** A file descriptor for the child's stdin (default: an empty pipe). */
  stdin?: number;
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
  /** false: the child is not to open the database (it should stop before), so the test keeps its
   *  handle; were the child to open it after all, it fails on the directory the test holds. */
  opensDb?: boolean;
}

/** A child process even on the embedded database: the test file's handle is closed first (the child
 *  must open the directory itself), and opens again on next use. */
export async function runCliWith(args: string[], opts: CliWith = {}, timeoutMs = 60_000): Promise<CliResult & { timedOut: boolean }> {
  if (opts.opensDb !== false) await releaseDb(opts.uid === undefined ? undefined : { uid: opts.uid, gid: opts.gid ?? opts.uid });
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...opts.env },
    stdio: [opts.stdin ?? 'pipe', 'pipe', 'pipe'],
    uid: opts.uid,
    gid: opts.gid,
  });
  if (opts.stdin === undefined) child.stdin!.end();
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout, stderr, timedOut });
  }));
}
