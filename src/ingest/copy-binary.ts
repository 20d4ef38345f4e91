// copy-binary: rows (id, ord, vector) → PostgreSQL's binary COPY format, batched into ~1 MiB chunks.
// One write per row costs ~50× more than batching: every write is a stream call and a socket write.
// Layout (PostgreSQL docs, "COPY … BINARY"): signature, flags, header extension; per row an int16 field
// count and per field an int32 length and the value in the type's binary "send" form; int16 -1 at the end.
// vector_recv reads int16 dims, int16 unused, then dims float4, all big-endian.
// The rows are cut into segments, one COPY statement each (see db/apply.ts for why).

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]); // flags 0, no header extension
const TRAILER = Buffer.from([0xff, 0xff]);
/** A COPY of no rows. */
export const EMPTY_COPY = Buffer.concat([HEADER, TRAILER]);

export class CopyRowBatcher {
  private buf: Buffer;
  private pos = 0;
  /** Bytes and rows of the current segment so far. */
  segmentBytes = 0;
  segmentRows = 0;

  constructor(private readonly size = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /**
   * Appends the row (id as the id type's binary form, ord as int8 hi/lo, the first dims values of vec).
   * Returns the chunk of earlier rows when the row did not fit behind them, else null.
   */
  add(id: Buffer, ordHi: number, ordLo: number, vec: Float32Array, dims: number): Buffer | null {
    const need = (this.segmentRows === 0 ? HEADER.length : 0) + 2 + 4 + id.length + 4 + 8 + 4 + 4 + dims * 4;
    let full: Buffer | null = null;
    if (this.pos + need > this.buf.length) {
      full = this.pos > 0 ? this.buf.subarray(0, this.pos) : null;
      // A fresh buffer: the full one now belongs to the stream until it is written out.
      this.buf = Buffer.allocUnsafe(Math.max(this.size, need));
      this.pos = 0;
    }
    const b = this.buf;
    let p = this.pos;
    if (this.segmentRows === 0) p += HEADER.copy(b, p);
    p = b.writeInt16BE(3, p);
    p = b.writeInt32BE(id.length, p);
    p += id.copy(b, p);
    p = b.writeInt32BE(8, p);
    p = b.writeInt32BE(ordHi, p);
    p = b.writeUInt32BE(ordLo, p);
    p = b.writeInt32BE(4 + dims * 4, p);
    p = b.writeInt16BE(dims, p);
    p = b.writeInt16BE(0, p);
    const bytes = dims * 4;
    b.set(new Uint8Array(vec.buffer, vec.byteOffset, bytes), p);
    b.subarray(p, p + bytes).swap32(); // little-endian float32 → network order
    p += bytes;
    this.segmentBytes += p - this.pos;
    this.segmentRows++;
    this.pos = p;
    return full;
  }

  /** Ends the segment: the rows not yet returned and the end-of-data marker (null if it has no rows). */
  cut(): Buffer | null {
    if (this.segmentRows === 0) return null;
    const rest = Buffer.concat([this.buf.subarray(0, this.pos), TRAILER]);
    this.buf = Buffer.allocUnsafe(this.size);
    this.pos = 0;
    this.segmentBytes = 0;
    this.segmentRows = 0;
    return rest;
  }
}
