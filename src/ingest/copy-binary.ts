// copy-binary: rows (id, ord, vector) → PostgreSQL's binary COPY format, batched into 256 KiB chunks.
// One write per row costs ~50× more than batching: every write is a stream call and a socket write.
// Layout (PostgreSQL docs, "COPY … BINARY"): signature, flags, header extension; per row an int16 field
// count and per field an int32 length and the value in the type's binary "send" form; int16 -1 at the end.
// vector_recv reads int16 dims, int16 unused, then dims float4, all big-endian.
// The rows are cut into segments, one COPY statement each (see db/apply.ts for why).

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]); // flags 0, no header extension
const TRAILER_BYTES = 2; // int16 -1
/** A COPY of no rows. */
export const EMPTY_COPY = Buffer.concat([HEADER, Buffer.from([0xff, 0xff])]);

export const CHUNK_BYTES = 256 * 1024;

/**
 * Chunks handed back as soon as the COPY stream is done with them (the write's callback: db.ts), for
 * the rows that follow. Without it, a fast input leaves ~64 MB of dead chunks between garbage
 * collections (V8 collects external memory late): the pool is what keeps peak memory near what is
 * actually in flight. (Chunks used to come back when their segment's COPY had ended: a segment holds
 * all of its chunks until then, and as segments grow past 64 of them (segment-plan.ts) so did memory,
 * to 188 MB at a million rows.)
 */
export class ChunkPool {
  private free: Buffer[] = [];
  constructor(private readonly keep: number) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  }

  /** Takes back a chunk, or the part of one that was written; larger buffers (one huge row) are left
   *  to the collector. A chunk has its own ArrayBuffer (Node gives buffers of this size their own). */
  give(written: Buffer): void {
    const ab = written.buffer;
    if (ab.byteLength !== CHUNK_BYTES || this.free.length >= this.keep) return;
    this.free.push(Buffer.from(ab, 0, CHUNK_BYTES));
  }
}

/** The end of a segment: its last bytes (with the trailer) and its row count. */
export interface SegmentEnd {
  last: Buffer;
  rows: number;
}

export class CopyRowBatcher {
  private buf: Buffer;
  private pos = 0;
  /** Bytes and rows of the current segment so far. */
  segmentBytes = 0;
  segmentRows = 0;

  constructor(private readonly pool: ChunkPool) {
    this.buf = this.fresh(CHUNK_BYTES);
  }

  /**
   * Appends the row (id as the id type's binary form, ord as int8 hi/lo, the first dims values of vec).
   * Returns the chunk of earlier rows when the row did not fit behind them, else null.
   */
  add(id: Buffer, ordHi: number, ordLo: number, vec: Float32Array, dims: number): Buffer | null {
    const need = (this.segmentRows === 0 ? HEADER.length : 0) + 2 + 4 + id.length + 4 + 8 + 4 + 4 + dims * 4;
    let full: Buffer | null = null;
    if (this.pos + need + TRAILER_BYTES > this.buf.length) {
      full = this.pos > 0 ? this.buf.subarray(0, this.pos) : null;
      // A fresh chunk: the full one now belongs to the stream until its write's callback.
      this.buf = this.fresh(need + TRAILER_BYTES);
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

  /** Ends the segment (null if it has no rows); the next row starts a new one. */
  cut(): SegmentEnd | null {
    if (this.segmentRows === 0) return null;
    const end = this.buf.writeInt16BE(-1, this.pos); // room for it was kept free
    const done: SegmentEnd = { last: this.buf.subarray(0, end), rows: this.segmentRows };
    this.buf = this.fresh(CHUNK_BYTES);
    this.pos = 0;
    this.segmentBytes = 0;
    this.segmentRows = 0;
    return done;
  }

  private fresh(size: number): Buffer {
    return size <= CHUNK_BYTES ? this.pool.take() : Buffer.allocUnsafe(size);
  }
}
