// A JSON number scanner over bytes. It exists because JSON.parse over strings was the bottleneck of
// the whole ingest (bench/README.md): here a number goes from bytes to a double with no string and no
// allocation, and the double is exactly Number(text), so the float32 stored is Math.fround(Number(text)).

// Powers of ten that are exact doubles: 10^0 … 10^22.
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Where the last scanNumber stopped; -1 when the bytes were not a JSON number. */
export const scanned = { end: 0 };

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Reads the JSON number that starts at b[i] (strict JSON grammar: no '+', no leading zeros, no '.5').
 * Returns its value, exactly Number(text), and sets scanned.end past it (-1 and NaN on a syntax error).
 * The caller guarantees b[end] (if it exists) is not part of the number: lines end before a newline.
 */
export function scanNumber(b: Uint8Array, i: number, end: number): number {
  // The common case, as the API prints float32 values (at most 9 significant digits, small exponent):
  // digits accumulate in an int32, whose multiply-add has a far shorter dependency chain than a
  // double's. Anything else goes to scanLong, which reads the number again.
  const start = i;
  let c = b[i];
  let neg = false;
  if (c === 45) { neg = true; c = b[++i]; }
  let m = 0;
  let sig = 0;
  let exp10 = 0;
  if (c === 48) {
    c = b[++i];
  } else if (c >= 49 && c <= 57) {
    do {
      if (++sig > 9) return scanLong(b, start, end);
      m = m * 10 + (c - 48);
      c = b[++i];
    } while (c >= 48 && c <= 57);
  } else {
    scanned.end = -1;
    return NaN;
  }
  if (c === 46) {
    c = b[++i];
    if (!(c >= 48 && c <= 57)) { scanned.end = -1; return NaN; }
    do {
      if (m !== 0 || c !== 48) {
        if (++sig > 9) return scanLong(b, start, end);
        m = m * 10 + (c - 48);
      }
      exp10--;
      c = b[++i];
    } while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = b[++i];
    let eneg = false;
    if (c === 43 || c === 45) { eneg = c === 45; c = b[++i]; }
    if (!(c >= 48 && c <= 57)) { scanned.end = -1; return NaN; }
    let e = 0;
    do { if (e < 1e6) e = e * 10 + (c - 48); c = b[++i]; } while (c >= 48 && c <= 57);
    exp10 += eneg ? -e : e;
  }
  if (i > end) { scanned.end = -1; return NaN; }
  if (exp10 < -22 || exp10 > 22) return scanLong(b, start, end);
  scanned.end = i;
  const v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
  return neg ? -v : v;
}

/** Any JSON number: doubles carry the digits (exact to 15), the rest goes through Number(). */
export function scanLong(b: Uint8Array, i: number, end: number): number {
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
    scanned.end = -1;
    return NaN;
  }
  if (c === 46) {
    c = b[++i];
    if (!isDigit(c)) { scanned.end = -1; return NaN; }
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
    if (!isDigit(c)) { scanned.end = -1; return NaN; }
    let e = 0;
    do { if (e < 1e6) e = e * 10 + (c - 48); c = b[++i]; } while (isDigit(c));
    exp10 += eneg ? -e : e;
  }
  if (i > end) { scanned.end = -1; return NaN; }
  scanned.end = i;
  // Clinger's fast path: m and 10^|exp10| are exact doubles, so one IEEE operation rounds once,
  // to the nearest double of the decimal, which is what Number(text) returns.
  if (sig <= 15 && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
    return neg ? -v : v;
  }
  return Number(latin1(b, start, i));
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(b[k]);
  return s;
}

/** The largest float32 magnitude that halfvec stores: at 65520 and beyond, rounding reaches infinity. */
export const HALF_LIMIT = 65520;
