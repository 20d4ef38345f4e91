// Runs the real CLI in a child process (the run's transpiled CLI, or tsx: helpers/cli-entry.ts), with
// real pipes.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliEntry } from './cli-entry.js';
import { runMain } from './main-in-process.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs vecfill with args; stdin gets `input` (string or Buffer) and is closed. In this process
 *  (helpers/main-in-process.ts), on either database: a child's start costs ~0.4 s of CPU, and the
 *  embedded database this process holds is shared. The tests about the process itself (signals,
 *  kill -9, two at once, stdin from a file) start one with spawnCli or helpers/cli-with.ts. */
export async function runCli(args: string[], input: string | Buffer = '', env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runMain(args, input, env);
}

export function collect(child: ChildProcess, input?: string | Buffer): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.on('error', () => {}); // the child may exit before reading all of stdin
  if (input !== undefined) child.stdin!.end(input);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
