// Runs one approach as a child process: wall time around the child, peak RSS from GNU time
// (`-f %M`, kB, written to its own file so it never mixes with the child's stderr).
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface Command {
  argv: string[];
  /** A file handed to the child as its stdin (psql's pstdin). */
  stdinFile?: string;
  /** A file fed to the child through a pipe from cat, the way `cat out.jsonl | vecfill …` runs. */
  pipeFile?: string;
}

export interface Measurement {
  wallMs: number;
  peakRssKb: number | null;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const KEEP = 64 * 1024; // the tail of stdout/stderr worth keeping in the results
let counter = 0;

export async function measure(command: Command, options: { cwd: string; scratchDir: string; timeoutMs: number }): Promise<Measurement> {
  await mkdir(options.scratchDir, { recursive: true });
  const rssFile = join(options.scratchDir, `rss-${process.pid}-${counter++}.txt`);
  const timed = ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...command.argv];
  // `cat FILE | time …`: time wraps only the consumer, so the RSS is the tool's, not cat's.
  const [file, args] = command.pipeFile
    ? ['sh', ['-c', 'f=$1; shift; cat -- "$f" | "$@"', 'sh', command.pipeFile, ...timed]]
    : [timed[0], timed.slice(1)];
  const stdin = command.stdinFile ? openSync(command.stdinFile, 'r') : 'ignore';

  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const started = performance.now();
  // detached: its own process group, so a timeout can stop the whole pipeline by the group's id.
  const child = spawn(file, args, { cwd: options.cwd, stdio: [stdin, 'pipe', 'pipe'], detached: true });
  if (typeof stdin === 'number') closeSync(stdin); // the child holds its own copy
  // stdout and stderr are 'pipe' above, so they exist; the typings cannot see it through the mixed tuple.
  child.stdout!.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-KEEP)));
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-KEEP)));
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, options.timeoutMs);

  const closed = new Promise((resolve) => child.on('close', resolve)); // stdout/stderr fully read
  const { code, signal, wallMs } = await new Promise<{ code: number | null; signal: string | null; wallMs: number }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ code, signal, wallMs: performance.now() - started }));
    },
  ).finally(() => clearTimeout(timer));
  await closed;

  return { wallMs, peakRssKb: await readRss(rssFile), exitCode: code, signal, timedOut, stdout, stderr };
}

/** GNU time writes "Command exited with non-zero status N" before the value when the child fails. */
async function readRss(file: string): Promise<number | null> {
  try {
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    const kb = Number(lines.at(-1));
    return Number.isFinite(kb) ? kb : null;
  } catch {
    return null;
  } finally {
    await rm(file, { force: true });
  }
}
