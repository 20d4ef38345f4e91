// PostgreSQL's binary COPY format for rows of (id bigint, v vector): what the floor pre-encodes and
// what the plain stream sends. pgvector's binary input is int16 dim, int16 unused, float32 × dim,
// all big-endian like every binary COPY field.

/** Signature, flags (0) and header extension length (0). */
export const COPY_HEADER = Buffer.concat([
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
  Buffer.alloc(8),
]);

/** A field count of -1 ends the data. */
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

export function encodeRow(id: bigint, values: ArrayLike<number>): Buffer {
  const dims = values.length;
  const row = Buffer.allocUnsafe(2 + 4 + 8 + 4 + 4 + 4 * dims);
  let at = row.writeInt16BE(2, 0); // two fields
  at = row.writeInt32BE(8, at);
  at = row.writeBigInt64BE(id, at);
  at = row.writeInt32BE(4 + 4 * dims, at);
  at = row.writeInt16BE(dims, at);
  at = row.writeInt16BE(0, at);
  for (let i = 0; i < dims; i++) at = row.writeFloatBE(values[i], at);
  return row;
}

/** The float32 values of a base64 embedding (little-endian bytes, as the API sends them). */
export function base64Floats(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const values = new Float32Array(bytes.length >> 2);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(i * 4);
  return values;
}
