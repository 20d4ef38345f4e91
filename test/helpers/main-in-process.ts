// Runs the CLI's main() in this process, as a child process would run it: its own stdout, stderr, stdin
// and environment. A child costs ~0.4 s of CPU to start (~1.5 s with a PGlite open), and on the
// embedded database it cannot open the directory this process holds; in-process, the CLI shares the
// process's PGlite instance. Hundreds of CLI calls in the suite: that was most of its time. Each call's view of process.stdout, process.stderr, process.stdin and process.env
// is its own (AsyncLocalStorage), so calls may overlap and the test runner's own output is untouched.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import type { CliResult } from './cli.js';

interface Call {
  stdout: string;
  stderr: string;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
}

const calls = new AsyncLocalStorage<Call>();
let installed = false;

type Write = typeof process.stdout.write;

/** A stream's write that appends to the current call's text, or writes through outside any call. */
function capture(stream: NodeJS.WriteStream, field: 'stdout' | 'stderr'): void {
  const real = stream.write.bind(stream) as Write;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const call = calls.getStore();
    if (!call) return (real as (...a: unknown[]) => boolean)(chunk, ...rest);
    call[field] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }) as Write;
}

function install(): void {
  if (installed) return;
  installed = true;
  capture(process.stdout, 'stdout');
  capture(process.stderr, 'stderr');
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', {
    configurable: true,
    enumerable: stdin.enumerable,
    get: () => calls.getStore()?.stdin ?? stdin.get!.call(process),
  });
  const env = process.env;
  process.env = new Proxy(env, {
    get: (target, key) => Reflect.get(calls.getStore()?.env ?? target, key),
    set: (target, key, value) => Reflect.set(calls.getStore()?.env ?? target, key, String(value)),
    has: (target, key) => Reflect.has(calls.getStore()?.env ?? target, key),
    deleteProperty: (target, key) => Reflect.deleteProperty(calls.getStore()?.env ?? target, key),
    ownKeys: (target) => Reflect.ownKeys(calls.getStore()?.env ?? target),
    getOwnPropertyDescriptor: (target, key) => {
      const call = calls.getStore();
      if (!call) return Reflect.getOwnPropertyDescriptor(target, key);
      return Object.hasOwn(call.env, key) ? { value: call.env[key as string], writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
}

/** main(args) with `input` on stdin and `env` over this process's environment (DATABASE_URL unset
 *  unless given, as for a child). Resolves as a child's result: signal always null. */
export async function runMain(args: string[], input: string | Buffer | Readable = '', env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  install();
  const { main } = await import('../../src/cli/main.js');
  const stdin = input instanceof Readable ? input : Readable.from([Buffer.from(input)]);
  const call: Call = { stdout: '', stderr: '', stdin, env: { ...process.env, DATABASE_URL: '', ...env } };
  const code = await calls.run(call, () => main(args));
  return { code, signal: null, stdout: call.stdout, stderr: call.stderr };
}
