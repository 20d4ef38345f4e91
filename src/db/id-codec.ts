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

// What PostgreSQL's integer input (pg_strtoint16/32/64) accepts: C-locale isspace() around the number
// (space, \t, \n, \v, \f, \r; not the Unicode spaces that JS's \s also matches), one sign, ASCII digits.
// PostgreSQL 16 also reads 0x1F, 0o17, 0b101 and 1_000; 15 does not, so neither does vecfill: a
// custom_id it accepts must also be one the server reads back to the same value (the duplicate check
// sends custom_ids to the server as text).
const INT_TEXT = /^[ \t\n\v\f\r]*([+-]?)0*([0-9]+)[ \t\n\v\f\r]*$/;

function intCodec(type: string, min: bigint, max: bigint, size: number): IdCodec {
  return {
    sqlType: type,
    encode(customId) {
      const m = INT_TEXT.exec(customId);
      if (!m) return `custom_id ${JSON.stringify(customId)} is not a valid ${type} id`;
      // Leading zeros are dropped by the pattern (0* is greedy), so a long run of them stays in range.
      const n = m[2].length > 20 ? max + 1n : BigInt(m[1] + m[2]);
      if (n < min || n > max) return `custom_id ${JSON.stringify(customId)} is out of range for ${type}`;
      const b = Buffer.allocUnsafe(size);
      if (size === 2) b.writeInt16BE(Number(n));
      else if (size === 4) b.writeInt32BE(Number(n));
      else b.writeBigInt64BE(n);
      return b;
    },
  };
}

/** A UTF-16 surrogate that is not half of a pair: no character, so it has no UTF-8 form. */
const LONE_SURROGATE = /\p{Cs}/u;

const textCodec: IdCodec = {
  sqlType: 'text',
  encode(customId) {
    if (customId.includes('\0')) return 'custom_id contains a NUL character, which text cannot hold';
    // A \ud800 escape in the JSON gives one; as UTF-8 it would become U+FFFD, another id altogether.
    if (LONE_SURROGATE.test(customId)) return `custom_id ${JSON.stringify(customId)} contains a lone UTF-16 surrogate (a \\ud800-style escape), which is no character`;
    return Buffer.from(customId, 'utf8');
  },
};

// What PostgreSQL's uuid input (string_to_uuid) accepts: 32 hex digits in either case, a hyphen
// allowed after any group of four but the last, and braces around the whole; no whitespace.
const UUID_TEXT = /^(\{?)([0-9a-f]{4}(?:-?[0-9a-f]{4}){7})(\}?)$/i;

const uuidCodec: IdCodec = {
  sqlType: 'uuid',
  encode(customId) {
    const m = UUID_TEXT.exec(customId);
    if (!m || m[1].length !== m[3].length) return `custom_id ${JSON.stringify(customId)} is not a valid uuid`;
    return Buffer.from(m[2].replace(/-/g, ''), 'hex');
  },
};
