// The parsers compared by parse-only.ts, each reading the whole file and every number of every
// embedding into a float32 vector, with no database: the bytes alone (the floor), split2 alone (the
// cost of decoding and splitting strings), split2 + JSON.parse (the textbook stream), stream-json as a
// token stream and as assembled values (a streaming parser), and vecfill's own byte reader.
import { createReadStream } from 'node:fs';
import split2 from 'split2';
import { LineDecoder } from '../../src/ingest/decode.js';
import { LineSplitter } from '../../src/ingest/lines.js';
import { fileSource } from '../../src/ingest/sources.js';
import { Tally, Vector } from './tally.js';

/** Every reader here reads in 512 KiB chunks, as vecfill does. */
const CHUNK = 512 * 1024;

export interface ParseApproach {
  name: string;
  summary: string;
  /** Whether it reads the numbers (the read and split2 floors do not, and their tally stays empty). */
  parses: boolean;
  parse(file: string, tally: Tally): Promise<void>;
}

/** stream-json is ESM-only and bench-only: loaded when used, so that the rest runs without it. */
export const STREAM_JSON = 'stream-json@3.8.0';

/** stream-json set for this input: one line after another (JSON Streaming), each key, string and
 *  number as one token. Its default also streams each as start/chunk/end tokens: 1.7× the time. */
const PACKED = { jsonStreaming: true, streamValues: false };

/** One output line as JSON.parse (or any parser that builds values) gives it. */
function addParsed(line: unknown, vector: Vector, tally: Tally): void {
  const r = line as { response?: { status_code?: number; body?: { data?: { embedding?: number[] | string }[] } } };
  if (r.response?.status_code !== 200) return;
  const e = r.response.body?.data?.[0]?.embedding;
  if (e === undefined) return;
  const n = typeof e === 'string' ? vector.fromBase64(e) : vector.fromArray(e); // may grow the vector
  tally.add(vector.values, n);
}

export const parseApproaches: ParseApproach[] = [
  {
    name: 'read',
    summary: 'the bytes only: createReadStream, nothing parsed',
    parses: false,
    async parse(file, tally) {
      for await (const _chunk of createReadStream(file, { highWaterMark: CHUNK }));
    },
  },
  {
    name: 'split2',
    summary: 'createReadStream → split2: lines as strings, nothing parsed',
    parses: false,
    async parse(file, tally) {
      for await (const line of createReadStream(file, { highWaterMark: CHUNK }).pipe(split2())) if ((line as string).length) tally.lines++;
    },
  },
  {
    name: 'JSON.parse',
    summary: 'createReadStream → split2 → JSON.parse each line',
    parses: true,
    async parse(file, tally) {
      const vector = new Vector();
      for await (const line of createReadStream(file, { highWaterMark: CHUNK }).pipe(split2())) {
        if (!(line as string).length) continue;
        tally.lines++;
        addParsed(JSON.parse(line as string), vector, tally);
      }
    },
  },
  {
    name: 'stream-json tokens',
    summary: 'createReadStream → stream-json parser (JSON Streaming), its tokens consumed by one function',
    parses: true,
    async parse(file, tally) {
      const { chain, none, parser } = await streamJson();
      const vector = new Vector();
      let depth = 0;
      let status = 0;
      let key = '';
      let inEmbedding = false;
      let n = 0;
      const onToken = (t: { name: string; value?: unknown }) => {
        switch (t.name) {
          case 'startObject': if (depth++ === 0) { status = 0; tally.lines++; } break;
          case 'endObject': depth--; break;
          case 'keyValue': key = t.value as string; break;
          case 'startArray':
            if (key === 'embedding') { inEmbedding = true; n = 0; key = ''; }
            break;
          case 'endArray':
            if (inEmbedding) { inEmbedding = false; if (status === 200) tally.add(vector.values, n); }
            break;
          case 'numberValue':
            if (inEmbedding) {
              if (n === vector.values.length) vector.ensure(n + 1);
              vector.values[n++] = Number(t.value);
            } else if (key === 'status_code' && depth === 2) status = Number(t.value);
            break;
          case 'stringValue':
            if (key === 'embedding' && status === 200) {
              const dims = vector.fromBase64(t.value as string); // may grow the vector
              tally.add(vector.values, dims);
            }
            break;
        }
        return none;
      };
      await finished(chain([createReadStream(file, { highWaterMark: CHUNK }), parser(PACKED), onToken]));
    },
  },
  {
    name: 'stream-json values',
    summary: 'createReadStream → stream-json parser (JSON Streaming) → streamValues(): each line as an object',
    parses: true,
    async parse(file, tally) {
      const { chain, parser, streamValues } = await streamJson();
      const vector = new Vector();
      const pipeline = chain([createReadStream(file, { highWaterMark: CHUNK }), parser(PACKED), streamValues()]);
      pipeline.on('data', (item: { value: unknown }) => {
        tally.lines++;
        addParsed(item.value, vector, tally);
      });
      await finished(pipeline);
    },
  },
  {
    name: 'vecfill',
    summary: "vecfill's byte reader: its file source → LineSplitter → LineDecoder, as the ingest drives them",
    parses: true,
    async parse(file, tally) {
      const decoder = new LineDecoder(false);
      const splitter = new LineSplitter({
        line(b, start, end) {
          tally.lines++;
          const d = decoder.decode(b, start, end);
          if (d.ok) tally.add(decoder.vector, d.dims);
        },
        overlong() {
          throw new Error('a line over 16 MiB');
        },
      });
      for await (const chunk of (await fileSource(file)).open()) splitter.push(chunk as Buffer);
      splitter.end();
    },
  },
];

interface StreamJson {
  chain(stages: unknown[]): NodeJS.ReadWriteStream;
  none: unknown;
  parser(options: typeof PACKED): unknown;
  streamValues(): unknown;
}

async function streamJson(): Promise<StreamJson> {
  const load = (name: string) => import(name);
  try {
    const [{ parser }, { streamValues }, { chain, none }] = await Promise.all([
      load('stream-json'), load('stream-json/streamers/stream-values.js'), load('stream-chain'),
    ]);
    return { chain, none, parser, streamValues };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new Error(`not installed: npm install -D ${STREAM_JSON}`);
    throw err;
  }
}

/** The chain has read its whole input and its last stage has seen every token. */
function finished(stream: NodeJS.ReadWriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', resolve);
    stream.resume();
  });
}
