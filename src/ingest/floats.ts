// A JSON number scanner over bytes. It exists because JSON.parse over strings was the bottleneck of
// the whole ingest (bench/README.md): here a number goes from bytes to a double with no string and no
// allocation, and the double is exactly Number(text), so the float32 stored is Math.fround(Number(text)).
//
// A scan has more to say than its value (where it ended, why it stopped), and V8 cannot return two
// numbers without allocating. So a NumberScanner is a small object its caller owns and reuses: each
// scan returns its main result and leaves the rest in the scanner's fields, read before the next scan.
// Nothing is shared between callers: two readers each have their own scanner.

// Powers of ten that are exact doubles: 10^0 … 10^22.
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const P10 = Float64Array.from(POW10);
const TWO_53 = 2 ** 53;

/** The largest float32 magnitude that halfvec stores: at 65520 and beyond, rounding reaches infinity. */
export const HALF_LIMIT = 65520;

/** Why NumberScanner.numbers stopped: at the array's closing ']' (end is past it); out is full (end is
 *  at the next element); at an element the fast loop does not take, such as a non-number, a long
 *  mantissa, a big exponent or bad syntax (end is at that element's first byte). */
export const Stop = { End: 0, Full: 1, Careful: 2 } as const;
export type Stop = (typeof Stop)[keyof typeof Stop];

const isDigit = (c: number) => c >= 48 && c <= 57;

export class NumberScanner {
  /** Where the last scan ended: past the number (number(), -1 when the bytes were not a JSON number),
   *  or where numbers() stopped, as `stop` says. */
  end = 0;
  /** Why the last numbers() stopped. */
  stop: Stop = Stop.End;
  /** The index in `out` of the first value the last numbers() read that is not within ±limit once a
   *  float32 (infinite, or out of halfvec's range); -1 when there is none. */
  firstOutOfRange = -1;

  /**
   * Reads the JSON number that starts at b[i] (strict JSON grammar: no '+', no leading zeros, no '.5').
   * Returns its value, exactly Number(text), and sets this.end past it (-1, and NaN returned, on a
   * syntax error). The caller guarantees b[end] (if it exists) is not part of the number: lines end
   * before a newline.
   */
  number(b: Uint8Array, i: number, end: number): number {
    const start = i;
    let neg = false;
    let c = b[i];
    if (c === 45) { neg = true; c = b[++i]; }
    let m = 0; // the digits as an integer, exact while sig <= 15
    let sig = 0; // significant digits seen (leading zeros excluded)
    let exp10 = 0;
    if (c === 48) {
      c = b[++i];
    } else if (c >= 49 && c <= 57) {
      do { m = m * 10 + (c - 48); sig++; c = b[++i]; } while (isDigit(c));
    } else {
      return this.invalid();
    }
    if (c === 46) {
      c = b[++i];
      if (!isDigit(c)) return this.invalid();
      do {
        m = m * 10 + (c - 48);
        if (m !== 0) sig++;
        exp10--;
        c = b[++i];
      } while (isDigit(c));
    }
    if (c === 101 || c === 69) {
      c = b[++i];
      let eneg = false;
      if (c === 43 || c === 45) { eneg = c === 45; c = b[++i]; }
      if (!isDigit(c)) return this.invalid();
      let e = 0;
      do { if (e < 1e6) e = e * 10 + (c - 48); c = b[++i]; } while (isDigit(c));
      exp10 += eneg ? -e : e;
    }
    if (i > end) return this.invalid();
    this.end = i;
    // Clinger's fast path: m and 10^|exp10| are exact doubles, so one IEEE operation rounds once,
    // to the nearest double of the decimal, which is what Number(text) returns.
    if (sig <= 15 && exp10 >= -22 && exp10 <= 22) {
      const v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
      return neg ? -v : v;
    }
    return Number(latin1(b, start, i));
  }

  private invalid(): number {
    this.end = -1;
    return NaN;
  }

  /**
   * Reads the numbers of a JSON array from b[i] (the first element, or whitespace before it) into out
   * from index n on, as float32, and returns the new count; this.stop says why it stopped and this.end
   * where. This is the hot loop of the whole ingest, so it is one loop with no call per number: a call,
   * a result object and a digit counter per number made it twice as slow. Values are exactly
   * Math.fround(Number(text)) (Clinger's fast path, see number()); whatever it cannot take on that path
   * it leaves to the caller (Stop.Careful). The first value not within ±limit is this.firstOutOfRange.
   */
  numbers(b: Uint8Array, i: number, end: number, out: Float32Array, n: number, limit: number): number {
    const cap = out.length;
    // One view per call: keeping one per buffer in a field measured no faster, and is more state.
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.firstOutOfRange = -1;
    for (;;) {
      if (n >= cap) return this.stopped(i, Stop.Full, n);
      const start = i;
      let c = b[i];
      let neg = false;
      if (c === 45) { neg = true; c = b[++i]; }
      let m = 0;
      let exp10 = 0;
      if (c === 48) {
        c = b[++i];
      } else if (c >= 49 && c <= 57) {
        do { m = m * 10 + (c - 48); c = b[++i]; } while (c >= 48 && c <= 57);
      } else {
        if (!neg && (c === 32 || c === 9 || c === 13)) { i = skipSpace(b, i); continue; } // not after a minus: "- 1" is no number
        return this.stopped(start, Stop.Careful, n);
      }
      if (c === 46) {
        c = b[++i];
        if (!(c >= 48 && c <= 57)) return this.stopped(start, Stop.Careful, n);
        // Four digits at a time while there are four (SWAR: the bytes are all '0'..'9' exactly when
        // each high nibble is 3 and stays 3 after adding 6; then two multiply-adds combine them).
        while (i + 4 <= end) {
          const w = view.getUint32(i, true);
          if (((w & 0xf0f0f0f0) | (((w + 0x06060606) & 0xf0f0f0f0) >>> 4)) !== 0x33333333) break;
          let d = w & 0x0f0f0f0f;
          d = (d * 10 + (d >>> 8)) & 0x00ff00ff;
          d = (d * 100 + (d >>> 16)) & 0x0000ffff;
          m = m * 10000 + d;
          exp10 -= 4;
          i += 4;
        }
        c = b[i];
        while (c >= 48 && c <= 57) { m = m * 10 + (c - 48); exp10--; c = b[++i]; }
      }
      if (c === 101 || c === 69) {
        c = b[++i];
        let eneg = false;
        if (c === 43 || c === 45) { eneg = c === 45; c = b[++i]; }
        if (!(c >= 48 && c <= 57)) return this.stopped(start, Stop.Careful, n);
        let e = 0;
        do { if (e < 1e6) e = e * 10 + (c - 48); c = b[++i]; } while (c >= 48 && c <= 57);
        exp10 += eneg ? -e : e;
      }
      // m < 2^53 means every partial m was exact too; then one IEEE operation rounds once.
      // (Digits cannot run past `end`: a line ends before its newline, or at the end of its buffer.)
      if (m >= TWO_53 || (exp10 + 22) >>> 0 > 44) return this.stopped(start, Stop.Careful, n);
      const v = exp10 < 0 ? m / P10[-exp10] : m * P10[exp10];
      out[n] = neg ? -v : v;
      const f = out[n];
      if (!(f < limit && f > -limit) && this.firstOutOfRange < 0) this.firstOutOfRange = n;
      n++;
      if (c === 44) { i++; continue; }
      if (c === 32 || c === 9 || c === 13) c = b[i = skipSpace(b, i)];
      if (c === 44) { i++; continue; }
      if (c === 93 && i < end) return this.stopped(i + 1, Stop.End, n);
      return this.stopped(start, Stop.Careful, n - 1); // a bad separator: the careful path reads it again
    }
  }

  private stopped(end: number, why: Stop, n: number): number {
    this.end = end;
    this.stop = why;
    return n;
  }
}

/** The value of the JSON number at b[i], exactly Number(text); NaN when there is none there. */
export function scanNumber(b: Uint8Array, i: number, end: number): number {
  return new NumberScanner().number(b, i, end);
}

function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

function skipSpace(b: Uint8Array, i: number): number {
  let c = b[i];
  while (c === 32 || c === 9 || c === 13) c = b[++i];
  return i;
}
