// Every answer an official SDK client gets, kept raw: the client's `fetch` is wrapped, so what is
// checked is the bytes the server sent, not what the SDK made of them. `schemaOf` names the schema of
// OpenAI's spec an answer must meet: the operation's 200 schema, or ErrorResponse for any error.
import OpenAI from 'openai';

export interface Answer {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for a file download (JSONL, checked line by line instead). */
  body: unknown;
}

export function recordingClient(baseURL: string, apiKey = 'test'): { client: OpenAI; answers: () => Promise<Answer[]> } {
  const pending: Promise<Answer>[] = [];
  const record: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (!url.protocol.startsWith('http')) return res; // the SDK probes FormData support with a data: URL
    const method = init?.method ?? 'GET';
    const copy = res.clone();
    pending.push((async () => {
      const download = /\/content$/.test(url.pathname) && copy.ok;
      const text = await copy.text();
      let body: unknown;
      try {
        body = download ? undefined : JSON.parse(text);
      } catch {
        body = `not JSON: ${JSON.stringify(text.slice(0, 200))}`; // fails any schema, saying why
      }
      return { method, path: url.pathname, status: copy.status, headers: copy.headers, body };
    })());
    return res;
  };
  return { client: new OpenAI({ apiKey, baseURL, maxRetries: 0, fetch: record }), answers: () => Promise.all(pending) };
}

const OPERATIONS: [method: string, path: RegExp, schema: string][] = [
  ['POST', /^\/v1\/files$/, 'OpenAIFile'],
  ['GET', /^\/v1\/files$/, 'ListFilesResponse'],
  ['GET', /^\/v1\/files\/[^/]+$/, 'OpenAIFile'],
  ['DELETE', /^\/v1\/files\/[^/]+$/, 'DeleteFileResponse'],
  ['POST', /^\/v1\/batches$/, 'Batch'],
  ['GET', /^\/v1\/batches$/, 'ListBatchesResponse'],
  ['GET', /^\/v1\/batches\/[^/]+$/, 'Batch'],
  ['POST', /^\/v1\/batches\/[^/]+\/cancel$/, 'Batch'],
  ['POST', /^\/v1\/embeddings$/, 'CreateEmbeddingResponse'],
];

/** The schema the answer's body must meet, or null for a download (whose lines are checked apart). */
export function schemaOf(answer: Answer): string | null {
  if (answer.status >= 400) return 'ErrorResponse';
  if (answer.body === undefined) return null;
  const op = OPERATIONS.find(([method, path]) => method === answer.method && path.test(answer.path.replace(/^.*?\/v1\//, '/v1/')));
  if (!op) throw new Error(`no schema for ${answer.method} ${answer.path} (${answer.status})`);
  return op[2];
}
