// sources: where input bytes come from. A file (its size known, for percent and ETA), stdin, or any
// Readable or async iterable of bytes the library is handed (an output file streamed from the API).
// Files are read with fs.read into two buffers that take turns (one is parsed while the next read fills
// the other): a multi-GB input leaves no trail of garbage chunks behind it. stdin stays process.stdin:
// a blocking read of an idle pipe on libuv's thread pool would hold the process past an interrupt.
import { fstatSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** An input of an ingest: a name, and where its bytes come from. */
export interface InputSource {
  /** For messages and reject records: the path, or "-" for stdin. */
  name: string;
  /** Bytes, when known in advance. */
  size?: number;
  /** The file it reads (device and inode), when it reads one: no output may be written over it. */
  identity?: { dev: number; ino: number };
  /** The bytes, in chunks that are valid until the next one is asked for. */
  open(): AsyncIterable<Buffer | string | Uint8Array>;
}

/** What ingest() reads: a path ("-" is stdin), a Readable, an async iterable of bytes, or a source. */
export type IngestInput = string | Readable | AsyncIterable<Buffer | Uint8Array | string> | InputSource;

const CHUNK = 512 * 1024;

/** An input as a source; `k` numbers the streams that have no name of their own, for reject records. */
export async function toSource(input: IngestInput, k: number): Promise<InputSource> {
  if (typeof input === 'string') return fileSource(input);
  if (!(Symbol.asyncIterator in input)) return input;
  // A file's stream (createReadStream) says which file it reads.
  const path = (input as { path?: unknown }).path;
  return streamSource(typeof path === 'string' ? path : `input ${k + 1}`, input);
}

/** A file ("-" is stdin) as a source; it is checked at once (no such file, a directory, no permission). */
export async function fileSource(path: string): Promise<InputSource> {
  if (path === '-') return { name: '-', identity: stdinIdentity(), open: () => process.stdin };
  let size: number | undefined;
  let identity: InputSource['identity'];
  try {
    const st = await stat(path);
    identity = { dev: st.dev, ino: st.ino };
    if (st.isDirectory()) throw new Error(`${path} is a directory, not a file`);
    size = st.isFile() ? st.size : undefined; // a named pipe has no size
    await (await open(path, 'r')).close();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  return { name: path, size, identity, open: () => readPath(path) };
}

/** What stdin reads (`< out.jsonl` is a file like any other); nothing when it is closed. */
function stdinIdentity(): InputSource['identity'] {
  try {
    const st = fstatSync(0);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

/** A stream or async iterable of bytes as a named source (ingest() also takes them directly). */
export function streamSource(name: string, stream: Readable | AsyncIterable<Buffer | string | Uint8Array>, size?: number): InputSource {
  return { name, size, open: () => stream };
}

async function* readPath(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    yield* readChunks(handle);
  } finally {
    await handle.close();
  }
}

async function* readChunks(handle: { read(buffer: Buffer): Promise<{ bytesRead: number }> }): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let turn = 0;
  let next = handle.read(buffers[turn]);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      const filled = buffers[turn];
      turn ^= 1;
      next = handle.read(buffers[turn]);
      yield filled.subarray(0, bytesRead);
    }
  } finally {
    next.catch(() => {}); // a read still under way when the consumer stopped
  }
}
