// runCli with a deadline. In this process (helpers/main-in-process.ts) a call that outlives it is
// reported, not stopped; a child that hangs is killed (SIGKILL). Either way the test fails on its exit
// code instead of hanging the whole suite.
import type { ChildProcess } from 'node:child_process';
import { collect, spawnCli, type CliResult } from './cli.js';
import { runMain } from './main-in-process.js';

export interface TimedResult extends CliResult {
  timedOut: boolean;
}

/** Resolves with the child's result, or kills it after timeoutMs and resolves with timedOut set. */
export async function finish(child: ChildProcess, input?: string | Buffer, timeoutMs = 60_000): Promise<TimedResult> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const res = await collect(child, input);
    return { ...res, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs vecfill with args in this process; stdin gets `input` and is closed. */
export function run(args: string[], input: string | Buffer = '', env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<TimedResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<TimedResult>((resolve) => {
    timer = setTimeout(() => resolve({ code: null, signal: null, stdout: '', stderr: `still running after ${timeoutMs} ms`, timedOut: true }), timeoutMs);
  });
  const done = runMain(args, input, env).then((r) => ({ ...r, timedOut: false }));
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}

/** Runs vecfill with args in a child process of its own (two processes at once, a process to watch):
 *  on a server only, as a child cannot open the embedded database this process holds. */
export function runChild(args: string[], input: string | Buffer = '', env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<TimedResult> {
  return finish(spawnCli(args, env), input, timeoutMs);
}
