// request-files: Batch API request lines → numbered .jsonl files, each within the Batch API's limits
// (50,000 requests; the upload limit is 200 MB, so files stay well under it). A file is written as
// NAME.partial and renamed when complete, so a file that exists under its own name is whole.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';

/** The Batch API's limit on requests (embedding inputs) per batch. */
export const MAX_REQUESTS_PER_FILE = 50_000;
/** Bytes per file: half the 200 MB upload limit. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** A request file written: its name, path, and what it holds. */
export interface WrittenFile {
  /** The file name inside the output directory. */
  file: string;
  path: string;
  requests: number;
  bytes: number;
  tokens: number;
}

export interface RequestFileLimits {
  maxRequests?: number;
  maxBytes?: number;
  /** Estimated tokens per file (vecfill run --max-enqueued-tokens); a single larger request gets a file of its own. */
  maxTokens?: number;
}

export function requestFileName(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(4, '0')}.jsonl`;
}

export class RequestFiles {
  readonly written: WrittenFile[] = [];
  private current: { out: WriteStream; info: WrittenFile } | null = null;
  private readonly maxRequests: number;
  private readonly maxBytes: number;
  private readonly maxTokens: number;

  constructor(private readonly dir: string, private readonly prefix: string, limits: RequestFileLimits = {}) {
    this.maxRequests = Math.min(limits.maxRequests ?? MAX_REQUESTS_PER_FILE, MAX_REQUESTS_PER_FILE);
    this.maxBytes = limits.maxBytes ?? MAX_FILE_BYTES;
    this.maxTokens = limits.maxTokens ?? Infinity;
  }

  /** Appends one request line (without its newline); waits when the disk is behind. */
  async add(line: string, tokens: number): Promise<void> {
    const bytes = Buffer.byteLength(line) + 1;
    const cur = this.current;
    const full = cur && (cur.info.requests >= this.maxRequests ||
      (cur.info.requests > 0 && (cur.info.bytes + bytes > this.maxBytes || cur.info.tokens + tokens > this.maxTokens)));
    if (full) await this.finishFile();
    const { out, info } = this.current ?? this.startFile();
    info.requests++;
    info.bytes += bytes;
    info.tokens += tokens;
    if (!out.write(line + '\n')) await once(out, 'drain');
  }

  /** Completes the last file; returns every file written. */
  async close(): Promise<WrittenFile[]> {
    await this.finishFile();
    return this.written;
  }

  /** Removes every file this writer made, complete or not (a prepare that failed leaves nothing). */
  async abort(): Promise<void> {
    const cur = this.current;
    this.current = null;
    if (cur) {
      cur.out.destroy();
      await rm(`${cur.info.path}.partial`, { force: true });
    }
    await Promise.all(this.written.map((f) => rm(f.path, { force: true })));
  }

  private startFile(): { out: WriteStream; info: WrittenFile } {
    const file = requestFileName(this.prefix, this.written.length + 1);
    const info: WrittenFile = { file, path: join(this.dir, file), requests: 0, bytes: 0, tokens: 0 };
    const out = createWriteStream(`${info.path}.partial`, { flags: 'wx' });
    out.on('error', () => {}); // surfaced by once() in add() or finishFile()
    this.current = { out, info };
    return this.current;
  }

  private async finishFile(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    cur.out.end();
    await once(cur.out, 'close');
    if (cur.out.errored) throw cur.out.errored;
    await rename(`${cur.info.path}.partial`, cur.info.path);
    this.written.push(cur.info);
    this.current = null;
  }
}
