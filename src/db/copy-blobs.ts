// copy-blobs: a binary COPY stream cut into blobs of whole tuples, each a COPY of its own (header,
// tuples, trailer). PGlite reads COPY data from one in-memory blob per statement (`FROM '/dev/blob'`),
// copied whole into JavaScript and then into the WebAssembly heap, which never shrinks: one blob of a
// 16 MiB segment (or of a whole input, for a target whose segments are unbounded) would set the heap's
// size by the input's. Blobs of a few MiB keep it flat whatever the input.
// Layout (PostgreSQL docs, "COPY … BINARY"): 11-byte signature, int32 flags, int32 header extension
// length and the extension; per tuple an int16 field count and per field an int32 length (-1: NULL) and
// that many bytes; int16 -1 at the end.

export const BLOB_BYTES = 4 * 1024 * 1024;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TRAILER = Buffer.from([0xff, 0xff]);

export class CopyBlobCutter {
  private header: Buffer | null = null;
  /** Bytes of an incomplete header or tuple, waiting for the next chunk. */
  private carry: Buffer = Buffer.alloc(0);
  private parts: Blob[] = [];
  private partBytes = 0;
  /** The trailer has been read: anything after it is ignored, as PostgreSQL does. */
  private ended = false;
  tuples = 0;

  constructor(private readonly blobBytes = BLOB_BYTES) {}

  /** Takes the next bytes of the COPY data; returns a blob when enough whole tuples have gathered. */
  push(chunk: Buffer): Blob | null {
    if (this.ended) return null;
    let buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    if (!this.header) {
      const end = headerEnd(buf);
      if (end < 0) {
        this.carry = Buffer.from(buf);
        return null;
      }
      this.header = Buffer.from(buf.subarray(0, end));
      pos = end;
    }
    const start = pos;
    for (;;) {
      const end = tupleEnd(buf, pos);
      if (end === -1) break;
      if (end === -2) {
        this.ended = true;
        break;
      }
      pos = end;
      this.tuples++;
    }
    // The tuples' bytes go into a Blob of their own now (the writer reuses its chunk once push()
    // returns: db.ts); the blob made of these parts references them rather than copying them again.
    if (pos > start) {
      this.parts.push(new Blob([buf.subarray(start, pos) as Uint8Array<ArrayBuffer>]));
      this.partBytes += pos - start;
    }
    this.carry = this.ended || pos === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    buf = Buffer.alloc(0);
    return this.partBytes >= this.blobBytes ? this.take() : null;
  }

  /** The tuples gathered so far as one COPY (null if there are none). Throws if the data stopped in
   *  the middle of a tuple or before its trailer, as PostgreSQL's COPY does. */
  finish(): Blob | null {
    if (!this.header) throw new Error('COPY data ended before its binary header');
    if (this.carry.length > 0 || !this.ended) throw new Error('COPY data ended in the middle of a row (no trailer)');
    return this.take();
  }

  private take(): Blob | null {
    if (this.partBytes === 0) return null;
    const blob = new Blob([this.header! as Uint8Array<ArrayBuffer>, ...this.parts, TRAILER as Uint8Array<ArrayBuffer>]);
    this.parts = [];
    this.partBytes = 0;
    return blob;
  }
}

/** Where the header ends in b, or -1 if b does not hold all of it yet. */
function headerEnd(b: Buffer): number {
  if (b.length < SIGNATURE.length + 8) return -1;
  if (!b.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('COPY data is not in PostgreSQL binary format (no PGCOPY signature)');
  const end = SIGNATURE.length + 8 + b.readUInt32BE(SIGNATURE.length + 4);
  return b.length >= end ? end : -1;
}

/** Where the tuple at pos ends; -1: not all of it is in b yet; -2: pos is the trailer. */
function tupleEnd(b: Buffer, pos: number): number {
  if (pos + 2 > b.length) return -1;
  const fields = b.readInt16BE(pos);
  if (fields === -1) return -2;
  let p = pos + 2;
  for (let f = 0; f < fields; f++) {
    if (p + 4 > b.length) return -1;
    const len = b.readInt32BE(p);
    p += 4 + Math.max(len, 0);
    if (p > b.length) return -1;
  }
  return p;
}
