// lines: Buffer chunks → lines as (buffer, start, end) spans, without copying a line that lies whole in
// a chunk. Only a line cut by a chunk boundary is copied. A line longer than maxBytes is never held: it
// is reported once (with its first bytes) and skipped to its newline, so memory stays bounded.

const BOM = [0xef, 0xbb, 0xbf];

export interface LineSink {
  /** One non-blank line, b[start, end) without its line ending. lineNo counts from 1, blanks included. */
  line(b: Buffer, start: number, end: number, lineNo: number): void;
  /** A line over the length limit: its line number and its first bytes. */
  overlong(lineNo: number, head: Buffer): void;
}

export class LineSplitter {
  lineNo = 0;
  private pieces: Buffer[] = [];
  private pending = 0; // bytes in pieces
  private skipping = false; // inside an over-long line, dropping bytes to its newline
  private atStart = true; // before the first byte of the input: a BOM may come

  constructor(private readonly sink: LineSink, private readonly maxBytes = 16 * 1024 * 1024) {}

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.atStart && chunk.length > 0) pos = this.skipBom(chunk);
    if (this.pending > 0 || this.skipping) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) { this.hold(chunk, pos, chunk.length); return; }
      this.hold(chunk, pos, nl);
      this.finishHeld();
      pos = nl + 1;
    }
    let nl: number;
    while ((nl = chunk.indexOf(10, pos)) >= 0) {
      this.emit(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.hold(chunk, pos, chunk.length);
  }

  /** The end of input: a last line without a final newline is still a line. */
  end(): void {
    if (this.pending > 0 || this.skipping) this.finishHeld();
  }

  private skipBom(chunk: Buffer): number {
    // A BOM cut across chunks is not worth the code: stdin and file reads deliver far more than 3 bytes.
    this.atStart = false;
    return chunk.length >= 3 && chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2] ? 3 : 0;
  }

  private hold(chunk: Buffer, start: number, end: number): void {
    if (this.skipping || start === end) return;
    if (this.pending + (end - start) > this.maxBytes) {
      this.lineNo++;
      const head = Buffer.concat([...this.pieces, chunk.subarray(start, end)]).subarray(0, 1024);
      this.sink.overlong(this.lineNo, head);
      this.pieces = [];
      this.pending = 0;
      this.skipping = true;
      return;
    }
    this.pieces.push(Buffer.from(chunk.subarray(start, end))); // a copy: the chunk may be reused
    this.pending += end - start;
  }

  private finishHeld(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const line = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.pending);
    this.pieces = [];
    this.pending = 0;
    this.emit(line, 0, line.length);
  }

  private emit(b: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end - start > this.maxBytes) {
      this.sink.overlong(this.lineNo, b.subarray(start, Math.min(end, start + 1024)));
      return;
    }
    if (end > start && b[end - 1] === 13) end--;
    let s = start;
    while (s < end && (b[s] === 32 || b[s] === 9 || b[s] === 13)) s++;
    if (s === end) return; // blank or whitespace-only: nothing to say
    this.sink.line(b, start, end, this.lineNo);
  }
}
