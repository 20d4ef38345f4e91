// rejects-file: the --rejects file, written so that no input is ever destroyed and no older rejects
// file is lost to a crash. The records go to a temporary file beside the target (same directory, so the
// rename cannot cross file systems), renamed over it once the ingest has ended well; a failed ingest
// removes it and leaves an older rejects file as it was; a killed one (kill -9) leaves the older file
// as it was too, and its temporary file (".NAME.PID.RANDOM.tmp") behind. A device or a pipe (/dev/stderr,
// a named pipe) is written directly: it has no content to keep, and nothing can be renamed over it.
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { RejectsError, UsageError } from '../errors.js';
import type { InputSource } from './sources.js';

export class RejectsFile {
  /** Where the records go as they come. Every write() answers false until the bytes are written, so
   *  a writer that waits for 'drain' (or flushes) knows they are, and `failed` has fired by then if
   *  they could not be. It never emits 'error' (a sink that failed swallows what follows), so a writer
   *  never waits forever; see `error` and `failed`. */
  readonly stream: Writable;
  /** The first write error, as a message that names the file. */
  error: Error | undefined;
  /** Aborted with `error` as soon as a write fails, for a caller that wants to stop at once. */
  readonly failed: AbortSignal;
  private readonly failedController = new AbortController();
  private closing: Promise<void> | undefined;

  private constructor(readonly path: string, private readonly temp: string | null, private readonly handle: FileHandle) {
    this.failed = this.failedController.signal;
    this.stream = new Writable({
      highWaterMark: 0,
      writev: (chunks, done) => {
        if (this.error) return done();
        writeAll(this.handle, Buffer.concat(chunks.map((c) => c.chunk as Buffer))).then(() => done(), (err: NodeJS.ErrnoException) => {
          this.error = cannotWrite(this.path, err);
          this.failedController.abort(this.error);
          done();
        });
      },
    });
  }

  /**
   * Opens the rejects file for an ingest of these inputs. Refuses (UsageError) a path that is one of
   * the inputs: the same file by device and inode, whichever name leads to it (the path itself, a
   * symlink, a hard link, the file behind stdin). Nothing is opened for writing before that check.
   */
  static async open(path: string, inputs: readonly InputSource[] = []): Promise<RejectsFile> {
    const existing = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined; // a path that does not exist yet is no input
      throw cannotWrite(path, err);
    });
    if (existing?.isDirectory()) throw cannotWrite(path, 'it is a directory');
    if (existing?.isFile()) {
      const input = inputs.find((s) => s.identity?.dev === existing.dev && s.identity.ino === existing.ino);
      if (input) {
        const which = input.name === '-' ? 'the file behind stdin' : `the input ${input.name}`;
        throw new UsageError(`the rejects file ${path} is ${which} (the same file): writing rejects there would destroy that input; choose another rejects file`);
      }
    }
    try {
      if (existing && !existing.isFile()) return new RejectsFile(path, null, await open(path, 'w'));
      // Through a symlink, the file it leads to is replaced and the link kept.
      const target = existing ? await realpath(path) : path;
      const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      const handle = await open(temp, 'wx');
      if (existing) await handle.chmod(existing.mode & 0o7777).catch(() => {}); // the file it replaces keeps its mode
      return new RejectsFile(target, temp, handle);
    } catch (err) {
      throw cannotWrite(path, err as NodeJS.ErrnoException);
    }
  }

  /** Every record written so far is on disk (fsync), or the error that kept one out is thrown. */
  async finish(): Promise<void> {
    this.closing ??= (async () => {
      this.stream.end();
      await finished(this.stream);
      try {
        if (!this.error && this.temp) await this.handle.sync();
      } catch (err) {
        this.error = cannotWrite(this.path, err as NodeJS.ErrnoException);
      } finally {
        await this.handle.close().catch(() => {});
      }
    })();
    await this.closing;
    if (this.error) throw this.error;
  }

  /** Puts the file in place (the ingest ended well): renamed over the target. */
  async commit(): Promise<void> {
    try {
      await this.finish();
    } catch (err) {
      await this.discard(); // what could be written is incomplete: the older file stays
      throw err;
    }
    if (!this.temp) return;
    try {
      await rename(this.temp, this.path);
    } catch (err) {
      throw cannotWrite(this.path, err as NodeJS.ErrnoException, `; its records are in ${this.temp}`);
    }
  }

  /** Drops what was written (the ingest failed): an older rejects file stays as it was. */
  async discard(): Promise<void> {
    await this.finish().catch(() => {});
    if (this.temp) await unlink(this.temp).catch(() => {});
  }
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length;) at += (await handle.write(data, at)).bytesWritten;
}

const WHY: Record<string, string> = {
  ENOENT: 'no such directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

function cannotWrite(path: string, err: NodeJS.ErrnoException | string, tail = ''): Error {
  const why = typeof err === 'string' ? err : (err.code && WHY[err.code]) ?? err.message;
  return new RejectsError(`cannot write the rejects file ${path}: ${why}${tail}`);
}
