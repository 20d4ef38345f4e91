// The Files API: files uploaded by the client (batch input files, and the other purposes the API
// takes, stored as they are), output and error files written by batches. Output content is rendered
// on each read and never kept (only its size is), so a batch of thousands of 3072-float vectors costs
// nothing until someone downloads it, and nothing after: an emulator that runs all day holds the
// inputs, not the outputs. Files expire as the API's do (expiry.ts); uploads are held to its limits.
import { DEFAULT_EXPIRY_SECONDS, expirySeconds } from './expiry.js';
import { ApiError, fileTooLarge, type Route } from './http.js';
import { LABEL_FIELD } from './label.js';
import { cursorPage, type ListPage } from './list.js';
import { parseMultipart, type FormPart } from './multipart.js';

/** The purposes an upload may have (CreateFileRequest). */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
export type FilePurpose = (typeof UPLOAD_PURPOSES)[number] | 'batch_output';

/** The API's size limits: any file 512 MB, a batch input file 200 MB (read as MiB, as vecfill's own
 *  request files are sized). Smaller ones can be set (EmulatorOptions.limits) to test a refusal. */
export interface UploadLimits {
  uploadBytes: number;
  batchFileBytes: number;
}
export const UPLOAD_LIMITS: UploadLimits = { uploadBytes: 512 * 1024 * 1024, batchFileBytes: 200 * 1024 * 1024 };

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  /** Left out for a file that never expires (the spec types it an integer, not null). */
  expires_at?: number;
  filename: string;
  purpose: FilePurpose;
  status: 'processed';
  [LABEL_FIELD]: true;
}

export class StoredFile {
  private size: number | null = null;

  constructor(
    readonly id: string,
    readonly filename: string,
    readonly purpose: FilePurpose,
    readonly createdAt: number,
    /** Unix seconds, or null: kept until deleted. */
    readonly expiresAt: number | null,
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
      ...(this.expiresAt === null ? {} : { expires_at: this.expiresAt }),
      filename: this.filename,
      purpose: this.purpose,
      status: 'processed',
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
    readonly limits: UploadLimits = UPLOAD_LIMITS,
  ) {}

  /** Stores a file that expires `expiresAfter` seconds from now (null: never). */
  add(filename: string, purpose: FilePurpose, source: Buffer | (() => Buffer), expiresAfter: number | null): StoredFile {
    const createdAt = this.now();
    const file = new StoredFile(this.nextId('file-', 'alnum'), filename, purpose, createdAt, expiresAfter === null ? null : createdAt + expiresAfter, source);
    this.files.set(file.id, file);
    return file;
  }

  get(id: string): StoredFile {
    this.forgetExpired();
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
    const field = (name: string) => parts.find((p) => p.name === name && p.filename === null)?.data.toString('utf8');
    const purpose = field('purpose');
    const file = parts.find((p) => p.name === 'file' && p.filename !== null);
    if (purpose === undefined) throw ApiError.invalid("Missing required parameter: 'purpose'.", 'purpose');
    if (!file) throw ApiError.invalid("Missing required parameter: 'file'.", 'file');
    if (!isUploadPurpose(purpose)) {
      const supported = UPLOAD_PURPOSES.map((p) => `'${p}'`);
      const list = `${supported.slice(0, -1).join(', ')}, and ${supported.at(-1)}`;
      throw new ApiError(400, `Invalid value: '${purpose}'. Supported values are: ${list}.`, 'invalid_request_error', 'purpose', 'invalid_value');
    }
    const expiresAfter = expirySeconds(policyOf(parts), 'expires_after');
    const size = file.data.length;
    if (size > this.limits.uploadBytes || (purpose === 'batch' && size > this.limits.batchFileBytes)) throw fileTooLarge();
    const jsonl = file.filename!.endsWith('.jsonl');
    if (purpose === 'batch' && !jsonl) throw ApiError.invalid('Invalid file format for Batch API. Must be .jsonl', 'file');
    if (purpose === 'fine-tune' && !jsonl) throw ApiError.invalid('Invalid file format for Fine-Tuning API. Must be .jsonl', 'file');
    // Copy: the part is a view into the request body.
    return this.add(file.filename!, purpose, Buffer.from(file.data), expiresAfter ?? (purpose === 'batch' ? DEFAULT_EXPIRY_SECONDS : null));
  }

  /** Drops the files whose time has come, as the API does: they are gone, not deleted by anyone. */
  private forgetExpired(): void {
    const now = this.now();
    for (const [id, file] of this.files) {
      if (file.expiresAt !== null && file.expiresAt <= now) this.files.delete(id);
    }
  }

  private list(query: URLSearchParams): ListPage<StoredFile> {
    const purpose = query.get('purpose');
    const order = query.get('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw ApiError.invalid(`Invalid 'order': ${order}.`, 'order');
    this.forgetExpired();
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

function isUploadPurpose(purpose: string): purpose is (typeof UPLOAD_PURPOSES)[number] {
  return (UPLOAD_PURPOSES as readonly string[]).includes(purpose);
}

// The SDK sends an object as bracketed form fields: expires_after[anchor], expires_after[seconds].
function policyOf(parts: FormPart[]): { anchor?: string; seconds?: string } | undefined {
  const value = (key: string) => parts.find((p) => p.name === `expires_after[${key}]` && p.filename === null)?.data.toString('utf8');
  const anchor = value('anchor');
  const seconds = value('seconds');
  return anchor === undefined && seconds === undefined ? undefined : { anchor, seconds };
}
