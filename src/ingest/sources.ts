// sources: where input bytes come from. A file (its size known, for percent and ETA), stdin, or any
// Readable the library is handed (later: an output file streamed straight from the API).
import { createReadStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';

export interface InputSource {
  /** For messages and reject records: the path, or "-" for stdin. */
  name: string;
  /** Bytes, when known in advance. */
  size?: number;
  open(): Readable;
}

const CHUNK = 1024 * 1024;

export async function fileSource(path: string): Promise<InputSource> {
  if (path === '-') return { name: '-', open: () => process.stdin };
  let size: number | undefined;
  try {
    const st = await fs.stat(path);
    if (st.isDirectory()) throw new Error(`${path} is a directory, not a file`);
    size = st.isFile() ? st.size : undefined; // a named pipe has no size
    await (await fs.open(path, 'r')).close();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  return { name: path, size, open: () => createReadStream(path, { highWaterMark: CHUNK }) };
}

export function streamSource(name: string, stream: Readable, size?: number): InputSource {
  return { name, size, open: () => stream };
}
