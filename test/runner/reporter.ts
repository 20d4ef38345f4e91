// The shard's reporter: one JSON line per finished test (any depth), for test/runner/run.ts to count,
// print and time. A custom reporter rather than parsing TAP: the file each test came from, its
// duration and its error arrive as data. The lines share stdout with whatever a test prints, so each
// starts with a mark no test prints; the runner passes every other line through.
import { inspect } from 'node:util';

/** The start of a result line on the shard's stdout. */
export const RESULT_MARK = '\u001evecfill-test ';

/** One finished test, as the runner reads it. */
export interface TestResult {
  file: string;
  name: string;
  nesting: number;
  outcome: 'pass' | 'fail' | 'skip' | 'todo';
  ms: number;
  /** CPU time of the shard's own process since the previous top-level test ended (not its children's):
   *  what the test cost the machine, where ms is also waiting. Top-level tests only. */
  cpuMs?: number;
  /** The skip or todo reason, or the failure (message and stack, as node:test would print it). */
  detail?: string;
}

interface Event {
  type: string;
  data: {
    name: string;
    nesting: number;
    file?: string;
    skip?: string | boolean;
    todo?: string | boolean;
    details?: { duration_ms?: number; type?: string; error?: unknown };
  };
}

export default async function* reporter(source: AsyncIterable<Event>): AsyncGenerator<string> {
  // The reporter runs in the shard's process, and its tests run one at a time.
  let cpu = process.cpuUsage();
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    // A describe() block reports as a test too; its tests are counted, not the block.
    if (data.details?.type === 'suite') continue;
    const result: TestResult = {
      file: data.file ?? '(unknown file)',
      name: data.name,
      nesting: data.nesting,
      outcome: type === 'test:fail' ? 'fail' : data.skip !== undefined && data.skip !== false ? 'skip' : data.todo !== undefined && data.todo !== false ? 'todo' : 'pass',
      ms: data.details?.duration_ms ?? 0,
    };
    if (data.nesting === 0) {
      const used = process.cpuUsage(cpu);
      result.cpuMs = (used.user + used.system) / 1000;
      cpu = process.cpuUsage();
    }
    if (result.outcome === 'fail') result.detail = failure(data.details?.error);
    else if (result.outcome === 'skip' && typeof data.skip === 'string') result.detail = data.skip;
    else if (result.outcome === 'todo' && typeof data.todo === 'string') result.detail = data.todo;
    yield `${RESULT_MARK}${JSON.stringify(result)}\n`;
  }
}

/** node:test wraps a test's error (ERR_TEST_FAILURE); the test's own is its cause. */
function failure(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  return inspect(cause, { depth: 4, breakLength: 120 });
}
