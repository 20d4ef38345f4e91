// rejects: every input line that set no row, as one JSON object per line, and the counts by reason.
// The sink is the only other way out of the data path (DESIGN.md): nothing is dropped silently.
import type { Writable } from 'node:stream';
import { once } from 'node:events';

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

  constructor(private readonly out: Writable | null) {}

  add(record: RejectRecord): void {
    this.count++;
    this.byCode[record.code] = (this.byCode[record.code] ?? 0) + 1;
    if (this.out && !this.out.write(JSON.stringify(record) + '\n')) this.blocked = true;
  }

  /** Waits for the file to take what was written, so a flood of rejects cannot fill memory. */
  async drained(): Promise<void> {
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
