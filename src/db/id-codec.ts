// id-codec: a custom_id (text) → the binary COPY form of the id column's own type, so the temp table
// joins the target on that type (an index on the id column serves the UPDATE) and a custom_id that is
// no valid value of the type is rejected on its line instead of failing the whole COPY.

export interface IdCodec {
  /** The temp table's id column type (a fixed name, never user text). */
  readonly sqlType: string;
  /** The id's binary form, or a string saying why it is no valid value. */
  encode(customId: string): Buffer | string;
}

const INT_RANGES: Record<string, [bigint, bigint, number]> = {
  int2: [-(2n ** 15n), 2n ** 15n - 1n, 2],
  int4: [-(2n ** 31n), 2n ** 31n - 1n, 4],
  int8: [-(2n ** 63n), 2n ** 63n - 1n, 8],
};
const TEXT_TYPES = new Set(['text', 'varchar']);

export const SUPPORTED_ID_TYPES = 'smallint, integer, bigint, text, varchar, uuid';

/** The codec for a type name from pg_type.typname, or undefined if vecfill cannot key on that type. */
export function idCodecFor(typname: string): IdCodec | undefined {
  const range = INT_RANGES[typname];
  if (range) return intCodec(typname, ...range);
  if (TEXT_TYPES.has(typname)) return textCodec;
  if (typname === 'uuid') return uuidCodec;
  return undefined;
}

function intCodec(type: string, min: bigint, max: bigint, size: number): IdCodec {
  return {
    sqlType: type,
    encode(customId) {
      // What PostgreSQL's int input accepts: surrounding spaces, a sign, decimal digits.
      const m = /^\s*([+-]?\d{1,30})\s*$/.exec(customId);
      if (!m) return `custom_id ${JSON.stringify(customId)} is not a valid ${type} id`;
      const n = BigInt(m[1]);
      if (n < min || n > max) return `custom_id ${JSON.stringify(customId)} is out of range for ${type}`;
      const b = Buffer.allocUnsafe(size);
      if (size === 2) b.writeInt16BE(Number(n));
      else if (size === 4) b.writeInt32BE(Number(n));
      else b.writeBigInt64BE(n);
      return b;
    },
  };
}

const textCodec: IdCodec = {
  sqlType: 'text',
  encode(customId) {
    if (customId.includes('\0')) return 'custom_id contains a NUL character, which text cannot hold';
    return Buffer.from(customId, 'utf8');
  },
};

const uuidCodec: IdCodec = {
  sqlType: 'uuid',
  encode(customId) {
    // PostgreSQL accepts the standard form, plain hex digits and braces around either.
    const m = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i.exec(customId.trim());
    if (!m || customId.trim().startsWith('{') !== customId.trim().endsWith('}')) {
      return `custom_id ${JSON.stringify(customId)} is not a valid uuid`;
    }
    return Buffer.from(m.slice(1).join(''), 'hex');
  },
};
