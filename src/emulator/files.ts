// The Files API: batch input files uploaded by the client, output and error files written by
// batches. Output content is rendered on each read and never kept (only its size is), so a batch of
// thousands of 3072-float vectors costs nothing until someone downloads it, and nothing after: an
// emulator that runs all day holds the inputs, not the outputs.
import { ApiError, type Route } from './http.js';
import { LABEL_FIELD } from './label.js';
import { cursorPage, type ListPage } from './list.js';
import { parseMultipart } from './multipart.js';

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: 'batch' | 'batch_output';
  status: 'processed';
  expires_at: number | null;
  status_details: string | null;
  [LABEL_FIELD]: true;
}

export class StoredFile {
  private size: number | null = null;

  constructor(
    readonly id: string,
    readonly filename: string,
    readonly purpose: 'batch' | 'batch_output',
    readonly createdAt: number,
    private readonly source: Buffer | (() => Buffer),
  ) {}

  get content(): Buffer {
    const content = typeof this.source === 'function' ? this.source() : this.source;
    this.size = content.length;
    return content;
  }

  get bytes(): number {
    return this.size ?? this.content.length;
  }

  text(): string {
    return this.content.toString('utf8');
  }

  toJSON(): FileObject {
    return {
      id: this.id,
      object: 'file',
      bytes: this.bytes,
      created_at: this.createdAt,
      filename: this.filename,
      purpose: this.purpose,
      status: 'processed',
      expires_at: null,
      status_details: null,
      [LABEL_FIELD]: true,
    };
  }
}

export class FileStore {
  /** Live files in upload order. */
  readonly files = new Map<string, StoredFile>();
  readonly deletedIds = new Set<string>();

  constructor(
    private readonly nextId: (prefix: string, alphabet: 'alnum') => string,
    private readonly now: () => number,
  ) {}

  add(filename: string, purpose: 'batch' | 'batch_output', source: Buffer | (() => Buffer)): StoredFile {
    const file = new StoredFile(this.nextId('file-', 'alnum'), filename, purpose, this.now(), source);
    this.files.set(file.id, file);
    return file;
  }

  get(id: string): StoredFile {
    const file = this.files.get(id);
    if (!file) throw ApiError.notFound(`No such File object: ${id}`);
    return file;
  }

  routes(): Route[] {
    return [
      { method: 'POST', pattern: /^\/v1\/files$/, handle: (r) => ({ status: 200, json: this.upload(r.body, r.headers['content-type']) }) },
      { method: 'GET', pattern: /^\/v1\/files$/, handle: (r) => ({ status: 200, json: this.list(r.query) }) },
      { method: 'GET', pattern: /^\/v1\/files\/([^/]+)$/, handle: (r) => ({ status: 200, json: this.get(r.params[0]) }) },
      { method: 'GET', pattern: /^\/v1\/files\/([^/]+)\/content$/, handle: (r) => ({ status: 200, bytes: this.get(r.params[0]).content, contentType: 'application/octet-stream' }) },
      { method: 'DELETE', pattern: /^\/v1\/files\/([^/]+)$/, handle: (r) => ({ status: 200, json: this.delete(r.params[0]) }) },
    ];
  }

  private upload(body: Buffer, contentType: string | undefined): StoredFile {
    const parts = parseMultipart(body, contentType);
    const purpose = parts.find((p) => p.name === 'purpose' && p.filename === null)?.data.toString('utf8');
    const file = parts.find((p) => p.name === 'file' && p.filename !== null);
    if (purpose === undefined) throw ApiError.invalid("Missing required parameter: 'purpose'.", 'purpose');
    if (!file) throw ApiError.invalid("Missing required parameter: 'file'.", 'file');
    // This server only runs batches; any other purpose is a client bug worth failing loudly on.
    if (purpose !== 'batch') throw ApiError.invalid(`Invalid value for 'purpose': '${purpose}'. The vecfill emulator accepts 'batch' only.`, 'purpose');
    if (!file.filename?.endsWith('.jsonl')) throw ApiError.invalid('Invalid file format for Batch API. Must be .jsonl', 'file');
    // Copy: the part is a view into the request body.
    return this.add(file.filename, 'batch', Buffer.from(file.data));
  }

  private list(query: URLSearchParams): ListPage<StoredFile> {
    const purpose = query.get('purpose');
    const order = query.get('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw ApiError.invalid(`Invalid 'order': ${order}.`, 'order');
    let files = [...this.files.values()].filter((f) => purpose === null || f.purpose === purpose);
    if (order === 'desc') files = files.reverse();
    return cursorPage(files, query, { fallback: 10_000, max: 10_000 });
  }

  private delete(id: string): { id: string; object: 'file'; deleted: true } {
    this.get(id);
    this.files.delete(id);
    this.deletedIds.add(id);
    return { id, object: 'file', deleted: true };
  }
}
