// vecfill demo: the whole round trip with nothing but Node: the texts that ship with vecfill go into
// demo_docs, the local Batch API (src/emulator) starts in-process, `vecfill run` (runFill) fills the
// table through it with a dummy key, and the nearest neighbours of one row per topic show the vectors
// at work. The emulator and the database are closed on every way out, an interrupt included.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDemoDocs, DEMO_TABLE, demoNeighbours, type DemoNeighbours, type DemoText } from '../batch/demo-docs.js';
import { runFill, type RunSummary } from '../batch/run.js';
import { openDb } from '../db/open.js';
import type { Db } from '../db/db.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { UsageError } from '../errors.js';
import { EXIT, isUsageError } from './exit.js';
import { count } from './format.js';
import { databaseUrl, dbHelp, positiveInt } from './options.js';

/** The demo's vectors: text-embedding-3-small shortened to this size (the emulator honours it). */
const DIMS = 256;
/** Requests per batch: several batches, so the progress has something to show. */
const BATCH_REQUESTS = 500;
/** Seconds between polls: the emulator moves a batch one phase per poll, not with time. */
const POLL_SECONDS = 0.05;
const NEIGHBOURS = 5;
const WORDS = 10;

const TEXTS_URL = new URL('../../demo/texts.tsv', import.meta.url);

export const DEMO_HELP = `Usage: vecfill demo [options]

Shows vecfill at work with no key and no bill: creates the table demo_docs (id, topic, body,
embedding vector(${DIMS})) from 3,000 short texts on six topics that ship with vecfill (dropping
any demo_docs there is, so each demo starts over), starts a local Batch API in-process, runs
the whole vecfill run round trip against it (progress on stderr), then prints the nearest
neighbours of one row per topic. The vectors are EMULATED (a hashed bag of words: texts that
share words are near), not a model's.

Options:
${dbHelp(16)}  --rows N      use only the first N texts (default: all)
  -h, --help    this help

Afterwards, look around:
  vecfill similar --table demo_docs --id 42 --text-column body
  vecfill similar --table demo_docs --text "the skipper reefed the mainsail" --emulated --text-column body

Exit codes: 0 done; 1 failed; 2 usage error.
`;

export async function demoCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      rows: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(DEMO_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const texts = await demoTexts();
  const rows = positiveInt(values.rows, '--rows') ?? texts.length;
  if (rows > texts.length) throw new UsageError(`--rows is at most ${texts.length} (the texts that ship with vecfill)`);
  const url = databaseUrl(values.db);
  const log = (line: string) => process.stderr.write(`vecfill demo: ${line}\n`);

  let db: Db | undefined;
  let emulator: Emulator | undefined;
  try {
    const started = Date.now();
    db = await openDb(url, 'vecfill demo');
    await createDemoDocs(db, texts.slice(0, rows), DIMS);
    log(`${DEMO_TABLE}: ${count(rows)} texts loaded (${db.kind}), no vectors yet`);
    signal.throwIfAborted();
    emulator = await startEmulator();
    log(`a local Batch API (emulated vectors) listens at ${emulator.baseURL}; any key will do`);
    const summary = await runFill({
      db, openai: { apiKey: 'vecfill-demo', baseURL: emulator.baseURL }, retryForMs: 60_000, table: DEMO_TABLE, textColumn: 'body', dimensions: DIMS,
      maxRequests: BATCH_REQUESTS, pollInterval: POLL_SECONDS, signal, log: (line) => log(`run: ${line}`),
    });
    await emulator.close();
    emulator = undefined;
    signal.throwIfAborted();
    const shown = await demoNeighbours(db, NEIGHBOURS, WORDS);
    process.stdout.write(describe(summary, shown, (Date.now() - started) / 1000, values.db !== undefined));
    return summary.unfilled === 0 ? EXIT.ok : EXIT.partial;
  } catch (err) {
    if (isUsageError(err)) throw err;
    const reason = signal.aborted && signal.reason instanceof Error ? signal.reason.message : (err as Error).message;
    log(`${reason}; run vecfill demo again to start over`);
    if (process.env.VECFILL_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return EXIT.failed;
  } finally {
    await emulator?.close();
    await db?.close();
  }
}

/** The texts that ship with vecfill: demo/texts.tsv, a header line, then topic TAB text. */
async function demoTexts(): Promise<DemoText[]> {
  const lines = (await readFile(TEXTS_URL, 'utf8')).split('\n').slice(1).filter(Boolean);
  return lines.map((line) => {
    const [topic, text] = line.split('\t');
    return { topic, text };
  });
}

function describe(s: RunSummary, shown: DemoNeighbours[], seconds: number, withDb: boolean): string {
  const out = [
    `${s.table}.${s.column}: ${count(s.filled)} of ${count(s.rows)} rows hold a vector ` +
      `(${count(s.batchesIngested)} batch${s.batchesIngested === 1 ? '' : 'es'} through the local Batch API, ${seconds.toFixed(1)} s)`,
    '',
    `The ${NEIGHBOURS} nearest rows (cosine distance) to the first row of each topic:`,
  ];
  for (const { row, neighbours } of shown) {
    out.push('', `#${row.id} [${row.topic}] ${row.text}`);
    for (const n of neighbours) out.push(`  ${n.distance.toFixed(3)}  #${n.id} [${n.topic}] ${n.text ?? ''}`);
  }
  out.push(
    '',
    "These vectors are EMULATED (a hashed bag of words from vecfill's local Batch API), not a model's:",
    'rows are near when they share words, not meaning. With OPENAI_API_KEY, vecfill run fills a table',
    "with a model's vectors. Look around:",
    `  vecfill similar --table ${DEMO_TABLE} --id 42 --text-column body${withDb ? ' --db …' : ''}`,
    `  vecfill similar --table ${DEMO_TABLE} --text "the skipper reefed the mainsail" --emulated --text-column body${withDb ? ' --db …' : ''}`,
  );
  return out.join('\n') + '\n';
}
