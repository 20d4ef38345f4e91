// Runs the real CLI as helpers/cli.ts does, with what those helpers fix left open: stdin from an open
// file (as `vecfill … < FILE` gives it), another user (uid/gid), root without its permission override,
// and a child of its own even on the embedded database (to be signalled).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliResult } from './cli.js';
import { cliEntry } from './cli-entry.js';
import { releaseDb } from './db.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliWith {
  /** A file descriptor for the child's stdin (default: a pipe; runCliWith ends it at once). */
  stdin?: number;
  uid?: number;
  gid?: number;
  /**
   * Root without CAP_DAC_OVERRIDE (through setpriv, util-linux): its writes are checked against the
   * modes like anyone's, so "permission denied" can be had without another user, while it still
   * reads and enters every directory (CAP_DAC_READ_SEARCH kept; another user may not be able to
   * reach the checkout at all, e.g. a clone inside a directory of mode 0700).
   */
  noPermissionOverride?: boolean;
  env?: NodeJS.ProcessEnv;
  /** false: the child is not to open the database (it should stop before), so the test keeps its
   *  handle; were the child to open it after all, it fails on the directory the test holds. */
  opensDb?: boolean;
}

/** The CLI in a child process even on the embedded database: the process's handle is closed first
 *  (the child must open the directory itself; unless opensDb is false), and opens again on next use. */
export async function spawnCliWith(args: string[], opts: CliWith = {}): Promise<ChildProcess> {
  if (opts.opensDb !== false) await releaseDb(opts.uid === undefined ? undefined : { uid: opts.uid, gid: opts.gid ?? opts.uid });
  const command = [process.execPath, ...cliEntry(), ...args];
  if (opts.noPermissionOverride) command.unshift('setpriv', '--bounding-set=-dac_override', '--inh-caps=-dac_override');
  return spawn(command[0], command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...opts.env },
    stdio: [opts.stdin ?? 'pipe', 'pipe', 'pipe'],
    uid: opts.uid,
    gid: opts.gid,
  });
}

/** spawnCliWith, stdin ended (unless a file), run to its end; killed (SIGKILL) after timeoutMs. */
export async function runCliWith(args: string[], opts: CliWith = {}, timeoutMs = 60_000): Promise<CliResult & { timedOut: boolean }> {
  const child = await spawnCliWith(args, opts);
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
