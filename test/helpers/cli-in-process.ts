// Runs main() in this process with stdout and stderr captured, for the calls given as JSON in argv[2]
// (a list of argument lists), and prints the results as JSON. Tests start it as a child process: one
// process for many parsing checks, and no capture fighting with the test runner's own output.
import { main } from '../../src/cli/main.js';

const calls = JSON.parse(process.argv[2]) as string[][];
const results: { args: string[]; code: number; stdout: string; stderr: string }[] = [];
const real = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
for (const args of calls) {
  const out = { stdout: '', stderr: '' };
  process.stdout.write = ((s: string) => ((out.stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((out.stderr += s), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(args);
  } finally {
    process.stdout.write = real.stdout;
    process.stderr.write = real.stderr;
  }
  results.push({ args, code, ...out });
}
real.stdout(JSON.stringify(results), () => process.exit(0));
