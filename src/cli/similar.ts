// vecfill similar: the nearest rows to one row, or to a text, printed to check a filled column by eye.
import { parseArgs } from 'node:util';
import type { ApiOptions } from '../batch/api-options.js';
import { DEFAULT_K, similar, type SimilarResult } from '../batch/similar.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { UsageError } from '../errors.js';
import { EXIT, isUsageError } from './exit.js';
import { commandApi, databaseUrl, dbHelp, parseDuration, positiveInt, RETRY_OPTION, retryForHelp } from './options.js';

export const SIMILAR_HELP = `Usage: vecfill similar --table NAME --id ID [options]
       vecfill similar --table NAME --text TEXT [options]

Prints the rows nearest to one row of the table (leaving that row out), or to a text, by cosine
distance (pgvector's <=>; 0 is the same direction, 1 unrelated), with the first words of
--text-column: to check by eye what a filled column holds. Rows without a vector are left out.
An index on the column (hnsw or ivfflat with vector_cosine_ops) serves the query.

Options:
${dbHelp(22)}  --table NAME        table to search (required)
  --id ID             the row to start from, by its id
  --text TEXT         a text to start from, embedded through the API (see Environment)
  -k N                how many rows (default: ${DEFAULT_K})
  --column NAME       vector or halfvec column (default: embedding)
  --id-column NAME    row id column (default: id)
  --text-column NAME  column whose first words are shown with each row (default: none)
  --model NAME        with --text: text-embedding-3-small (default), text-embedding-3-large,
                      text-embedding-ada-002; the one the column was filled with
  --dimensions N      with --text: ask for N-dimensional vectors (default: the column's size,
                      when the model can shorten its vectors to it)
  --emulated          with --text: embed it with the emulator's vectors (in-process, no key),
                      for a table filled through it, such as vecfill demo's
${retryForHelp('2m', 22)}  --json              print {"table", "column", "neighbours": [{"id", "distance", "text"}]}
  -h, --help          this help

Environment (--text): OPENAI_API_KEY (required, but with --emulated); OPENAI_BASE_URL for an
OpenAI-compatible server.

Exit codes: 0 shown; 1 failed (no such table, column or row, the row has no vector, the
database or the API failed); 2 usage error.
`;

export async function similarCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      table: { type: 'string' },
      id: { type: 'string' },
      text: { type: 'string' },
      k: { type: 'string', short: 'k' },
      column: { type: 'string' },
      'id-column': { type: 'string' },
      'text-column': { type: 'string' },
      model: { type: 'string' },
      dimensions: { type: 'string' },
      emulated: { type: 'boolean' },
      ...RETRY_OPTION,
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(SIMILAR_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values.table) throw new UsageError('--table is required (the table to search)');
  if ((values.id === undefined) === (values.text === undefined)) throw new UsageError('give --id ID or --text TEXT (one of them)');
  if (values.text === undefined) {
    for (const flag of ['model', 'dimensions', 'emulated'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --text`);
    }
  } else if (values.text.trim() === '') {
    throw new UsageError('--text is empty: give the words to search for');
  }
  const k = positiveInt(values.k, '-k');
  const dimensions = positiveInt(values.dimensions, '--dimensions');
  const db = databaseUrl(values.db);

  let emulator: Emulator | undefined;
  try {
    let api: ApiOptions = {};
    if (values.text !== undefined && values.emulated) {
      emulator = await startEmulator();
      const retryForMs = values['retry-for'] === undefined ? undefined : parseDuration(values['retry-for'], '--retry-for');
      api = { openai: { apiKey: 'emulated', baseURL: emulator.baseURL }, retryForMs, signal };
    } else if (values.text !== undefined) {
      api = await commandApi('similar', values['retry-for'], signal);
    }
    const result = await similar({
      db, table: values.table, column: values.column, idColumn: values['id-column'], textColumn: values['text-column'],
      id: values.id, text: values.text, ...api, model: values.model, dimensions, k,
    });
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : describe(result, values['text-column']));
    return EXIT.ok;
  } catch (err) {
    if (isUsageError(err)) throw err;
    // A look-up changes nothing: say what is wrong, without the "nothing was changed" of the writers.
    process.stderr.write(`vecfill similar: ${(err as Error).message}\n`);
    if (process.env.VECFILL_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return EXIT.failed;
  } finally {
    await emulator?.close();
  }
}

/** One row per neighbour: distance, id, first words; a header naming the columns. */
export function describe(result: SimilarResult, textColumn: string | undefined): string {
  if (result.neighbours.length === 0) return `no other row of ${result.table} holds a vector in ${result.column}\n`;
  const ids = result.neighbours.map((n) => n.id);
  const width = Math.max(2, ...ids.map((id) => id.length));
  const lines = [`distance  ${'id'.padEnd(width)}${textColumn ? `  ${textColumn}` : ''}`];
  for (const n of result.neighbours) {
    lines.push(`${n.distance.toFixed(4).padStart(8)}  ${n.id.padEnd(width)}${textColumn ? `  ${n.text ?? 'NULL'}` : ''}`.trimEnd());
  }
  return lines.join('\n') + '\n';
}
