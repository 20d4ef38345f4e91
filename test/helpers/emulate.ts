// `vecfill emulate` as a child process: started, its base URL read from stdout, stopped by a signal.
import type { TestContext } from 'node:test';
import { spawnCli } from './cli.js';
import { finish, type TimedResult } from './run.js';

export interface EmulateProcess {
  baseURL: string;
  /** Sends the signal and resolves with the exit, stdout and stderr (killed after 10 s). */
  stop(signal?: NodeJS.Signals): Promise<TimedResult>;
}

/** Starts `vecfill emulate ...args` and waits for the URL it prints; killed after the test if still up. */
export async function startEmulate(t: TestContext, args: string[] = []): Promise<EmulateProcess> {
  const child = spawnCli(['emulate', ...args]);
  const result = finish(child, undefined, 120_000);
  t.after(() => void child.kill('SIGKILL'));
  const baseURL = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    void result.then((r) => reject(new Error(`vecfill emulate exited ${r.code} before printing its URL: ${r.stderr}`)));
  });
  return {
    baseURL,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await result;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
