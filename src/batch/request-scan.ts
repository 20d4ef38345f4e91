// request-scan: one streamed pass over a request file: its row ids (for the ledger), its model and
// options (one model per file, as the Batch API requires), its size in requests and, when no manifest
// knows them, its tokens. A file the Batch API would refuse is refused here. The same reader takes a
// file on disk before it is uploaded (submit) and an uploaded file as it downloads (adopt).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import split2 from 'split2';
import { MAX_REQUESTS_PER_FILE } from './request-files.js';
import { countTokens } from './tokens.js';
import { RequestFileError } from '../errors.js';

export interface ScannedFile {
  /** The path, or the API's file id. */
  path: string;
  ids: string[];
  model: string;
  dimensions: number | null;
  encoding: 'base64' | 'float';
  /** Counted only when asked (countTokens), else 0. */
  tokens: number;
}


export async function scanRequestFile(path: string, opts: { countTokens: boolean }): Promise<ScannedFile> {
  await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new RequestFileError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  return scanRequests(createReadStream(path), path, opts);
}

/** The same pass over any stream of a request file's bytes; `name` names it in errors. */
export async function scanRequests(input: Readable | AsyncIterable<Uint8Array>, name: string, opts: { countTokens: boolean }): Promise<ScannedFile> {
  const out: ScannedFile = { path: name, ids: [], model: '', dimensions: null, encoding: 'float', tokens: 0 };
  const seen = new Set<string>();
  const fail = (line: number, why: string): never => {
    throw new RequestFileError(`${name} line ${line}: ${why}`);
  };
  let n = 0;
  const source = input instanceof Readable ? input : Readable.from(input, { objectMode: false });
  const lines = source.pipe(split2()) as AsyncIterable<string> & Readable;
  source.on('error', (err) => lines.destroy(err));
  try {
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      let req: { custom_id?: unknown; url?: unknown; body?: { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown } };
      try {
        req = JSON.parse(text);
      } catch {
        return fail(n, 'not JSON (a request file has one JSON request per line)');
      }
      if (typeof req.custom_id !== 'string' || req.custom_id === '') fail(n, 'no custom_id');
      const id = req.custom_id as string;
      if (seen.has(id)) fail(n, `custom_id ${JSON.stringify(id)} appears twice`);
      seen.add(id);
      if (req.url !== '/v1/embeddings') fail(n, `url is ${JSON.stringify(req.url)}; vecfill submits /v1/embeddings requests`);
      const body = req.body ?? {};
      if (typeof body.model !== 'string') fail(n, 'no body.model');
      if (out.ids.length === 0) {
        out.model = body.model as string;
        out.dimensions = typeof body.dimensions === 'number' ? body.dimensions : null;
        out.encoding = body.encoding_format === 'base64' ? 'base64' : 'float';
      } else if (body.model !== out.model) {
        fail(n, `model ${JSON.stringify(body.model)} differs from the first request's ${JSON.stringify(out.model)} (one model per batch)`);
      }
      if (out.ids.length === MAX_REQUESTS_PER_FILE) fail(n, `more than ${MAX_REQUESTS_PER_FILE} requests (the Batch API's limit per batch)`);
      out.ids.push(id);
      if (opts.countTokens) {
        const inputs = Array.isArray(body.input) ? body.input : [body.input];
        for (const input of inputs) if (typeof input === 'string') out.tokens += countTokens(input);
      }
    }
  } finally {
    source.destroy();
  }
  if (out.ids.length === 0) throw new RequestFileError(`${name} holds no requests`);
  return out;
}
