// rejects: every input line that set no row, as one JSON object per line, and the counts by reason.
// The sink is the only other way out of the data path (DESIGN.md): nothing is dropped silently.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { open } from 'node:fs/promises';

export interface RejectRecord {
  file?: string;
  line?: number;
  custom_id?: string;
  code: string;
  reason: string;
  raw?: string;
}

const RAW_LIMIT = 1024;

export class Rejects {
  readonly byCode: Record<string, number> = {};
  count = 0;
  private blocked = false;
  /** A write error of the rejects file (a full disk): the ingest fails rather than lose records. */
  private error: Error | undefined;

  constructor(private readonly out: Writable | null) {
    out?.on('error', (err) => (this.error ??= err));
  }

  /** Opens the rejects file before anything else happens, so a bad path fails the run at once. */
  static async toFile(path: string): Promise<Rejects> {
    try {
      const handle = await open(path, 'w');
      return new Rejects(handle.createWriteStream());
    } catch (err) {
      throw new Error(`cannot write the rejects file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
    }
  }

  add(record: RejectRecord): void {
    this.count++;
    this.byCode[record.code] = (this.byCode[record.code] ?? 0) + 1;
    if (this.out && !this.out.write(JSON.stringify(record) + '\n')) this.blocked = true;
  }

  /** Waits for the file to take what was written, so a flood of rejects cannot fill memory. */
  async drained(): Promise<void> {
    if (this.error) throw new Error(`cannot write the rejects file: ${this.error.message}`);
    if (!this.blocked || !this.out) return;
    this.blocked = false;
    await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (!this.out) return;
    await new Promise<void>((resolve, reject) => this.out!.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** The raw line for a reject record, cut to a size that keeps the file readable. */
export function rawLine(b: Buffer, start: number, end: number): string {
  if (end - start <= RAW_LIMIT) return b.toString('utf8', start, end);
  return `${b.toString('utf8', start, start + RAW_LIMIT)}… (${end - start} bytes)`;
}
