// The byte reader reads output lines exactly as JSON.parse and the README's rules read them. Tens of
// thousands of generated lines, each a valid line bent one way, in files with CRLF, blank lines and
// BOMs, fed in chunks of random sizes: LineSplitter + LineDecoder (as the ingest drives them) and
// split2 + JSON.parse + the README's rules (the reference) agree on every line: applied or rejected,
// the reject code, custom_id, tokens, dims and every float32 bit for bit, for vector and halfvec.
// Deep nesting may be refused as malformed_json, never with anything else. Seeded and reproducible:
// VECFILL_SEED=n reruns a seed, VECFILL_LINES=n makes more lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import split2 from 'split2';
import { LineDecoder } from '../src/ingest/decode.js';
import { LineSplitter } from '../src/ingest/lines.js';
import { bentLine, Rnd, type BentLine } from './helpers/bent-lines.js';
import { sized } from './helpers/sizes.js';
import { isBlank, nestingDepth, referenceVerdict, type Verdict } from './helpers/output-line-reference.js';

const SEED = Number(process.env.VECFILL_SEED ?? 20260611);
// 8,000 lines give each of the generator's bends hundreds of lines to show on; 24,000 with
// VECFILL_TEST_LARGE=1 in CI, more with VECFILL_LINES.
const LINES = Number(process.env.VECFILL_LINES ?? sized(8_000, 24_000));
const LINES_PER_FILE = 400;
/** The reader's nesting limit: beyond it, a refusal (malformed_json) is allowed. */
const MAX_DEPTH = 64;

interface ReaderLine { lineNo: number; vector: Verdict | string; halfvec: Verdict | string }

/** A file of bent lines: LF or CRLF endings, some blank lines, maybe a BOM, maybe no final newline. */
function makeFile(r: Rnd, count: number): { bytes: Buffer; lines: BentLine[] } {
  const lines: BentLine[] = [];
  const parts: Buffer[] = r.chance(0.2) ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
  for (let k = 0; k < count; k++) {
    if (r.chance(0.03)) parts.push(Buffer.from(r.pick(['', ' ', '\t', '\r', ' \r']) + '\n'));
    const line = bentLine(r);
    lines.push(line);
    parts.push(line.bytes, Buffer.from(k === count - 1 && r.chance(0.3) ? '' : r.chance(0.8) ? '\n' : '\r\n'));
  }
  return { bytes: Buffer.concat(parts), lines };
}

/** The bytes in chunks of random sizes (the first one holds a whole BOM, as any real read does). */
function chunks(r: Rnd, bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = at === 0 ? 3 + r.int(100) : 1 + r.int(r.chance(0.5) ? 64 : 70_000);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

function readerVerdict(decoder: LineDecoder, b: Buffer, start: number, end: number): Verdict | string {
  try {
    const d = decoder.decode(b, start, end);
    return { code: d.ok ? undefined : d.code, customId: d.customId, tokens: d.tokens, values: d.ok ? decoder.vector.slice(0, d.dims) : undefined };
  } catch (err) {
    return `threw ${(err as Error).stack}`;
  }
}

function readWithDecoder(parts: Buffer[]): ReaderLine[] {
  const vector = new LineDecoder(false);
  const halfvec = new LineDecoder(true);
  const seen: ReaderLine[] = [];
  const splitter = new LineSplitter({
    line: (b, start, end, lineNo) => seen.push({ lineNo, vector: readerVerdict(vector, b, start, end), halfvec: readerVerdict(halfvec, b, start, end) }),
    overlong: (lineNo) => assert.fail(`line ${lineNo} is not over the limit`),
  });
  for (const part of parts) splitter.push(part);
  splitter.end();
  return seen;
}

/** split2's lines (1-based, blank ones included), the first without its BOM. */
async function readWithSplit2(parts: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of Readable.from(parts).pipe(split2())) lines.push(line as string);
  if (lines.length) lines[0] = lines[0].replace(/^\ufeff/, '');
  return lines;
}

/** Why the reader's verdict differs from the reference's, or undefined when they agree. */
function difference(want: Verdict, got: Verdict | string, depth: number): string | undefined {
  if (typeof got === 'string') return got;
  if (got.code === 'malformed_json' && depth > MAX_DEPTH) return undefined; // deep nesting may be refused
  if (got.code !== want.code) return `code ${got.code} where the reference says ${want.code}`;
  if (got.customId !== want.customId) return `custom_id ${JSON.stringify(got.customId)} where the reference says ${JSON.stringify(want.customId)}`;
  if (got.tokens !== want.tokens) return `tokens ${got.tokens} where the reference says ${want.tokens}`;
  if (!want.values) return undefined;
  if (got.values!.length !== want.values.length) return `${got.values!.length} dims where the reference says ${want.values.length}`;
  const a = new Uint32Array(got.values!.buffer, got.values!.byteOffset, got.values!.length);
  const b = new Uint32Array(want.values.buffer, want.values.byteOffset, want.values.length);
  for (let k = 0; k < a.length; k++) {
    if (a[k] !== b[k]) return `element ${k} is ${got.values![k]} (0x${a[k].toString(16)}) where the reference says ${want.values[k]} (0x${b[k].toString(16)})`;
  }
  return undefined;
}

test(`the byte reader and JSON.parse agree on ${LINES} bent output lines (seed ${SEED})`, async () => {
  const r = new Rnd(SEED);
  const failures: string[] = [];
  const bends: Record<string, number> = {};
  const codes: Record<string, number> = {};
  let compared = 0;
  for (let file = 0; file * LINES_PER_FILE < LINES && failures.length < 10; file++) {
    const { bytes, lines } = makeFile(r, Math.min(LINES_PER_FILE, LINES - file * LINES_PER_FILE));
    for (const l of lines) bends[l.bend] = (bends[l.bend] ?? 0) + 1;
    const parts = chunks(r, bytes);
    const got = readWithDecoder(parts);
    const want = await readWithSplit2(parts);
    const wantLines = want.map((text, k) => ({ lineNo: k + 1, text })).filter((l) => !isBlank(l.text));
    assert.deepEqual(got.map((l) => l.lineNo), wantLines.map((l) => l.lineNo), `seed ${SEED}, file ${file}: the same lines`);
    for (let k = 0; k < wantLines.length && failures.length < 10; k++) {
      const { lineNo, text } = wantLines[k];
      const depth = nestingDepth(text);
      for (const kind of ['vector', 'halfvec'] as const) {
        const reference = referenceVerdict(text, kind === 'halfvec');
        codes[reference.code ?? 'applied'] = (codes[reference.code ?? 'applied'] ?? 0) + 1;
        const why = difference(reference, got[k][kind], depth);
        if (why) failures.push(`seed ${SEED}, file ${file}, line ${lineNo} (${kind}): ${why}\n  ${JSON.stringify(text.length > 400 ? text.slice(0, 400) + '…' : text)}`);
      }
      compared++;
    }
  }
  assert.ok(failures.length === 0, `the byte reader disagrees with JSON.parse (rerun with VECFILL_SEED=${SEED}):\n${failures.join('\n')}`);
  // The generator must reach every outcome, or the agreement proves less than it claims.
  for (const code of ['applied', 'malformed_json', 'not_an_output_line', 'missing_custom_id', 'http_error', 'not_executed', 'batch_expired',
    'no_embedding', 'multiple_embeddings', 'not_a_number', 'not_finite', 'halfvec_range', 'bad_base64', 'dimension_mismatch']) {
    assert.ok((codes[code] ?? 0) > 0, `no generated line was ${code}: ${JSON.stringify(codes)}`);
  }
  assert.ok(compared >= LINES * 0.9, `${compared} lines compared`);
  if (process.env.VECFILL_VERBOSE) console.log({ compared, bends, codes });
});
