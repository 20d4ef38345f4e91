// How the OpenAI API prints an embedding value: the float32 as its shortest decimal that reads back
// as the same float32 (numpy's float32 repr), formatted like Python's float repr: plain decimals,
// scientific only when the exponent is below -4 (`-5.3660897e-05`, two-digit signed exponent).

/** True when `text` reads back as exactly `f` under the project's rule: Math.fround(Number(text)). */
const readsBack = (text: string, f: number): boolean => Math.fround(Number(text)) === f;

/**
 * The fewest significant digits p ≤ 9 with which `f` (a float32 value) round-trips, as
 * toExponential(p - 1) text. Round-tripping is monotone in p (the p+1 digit grid contains the p
 * digit grid, so the nearest p+1 digit decimal is at least as close), which lets us probe 8 first
 * (the common case) instead of trying 1..9 in turn: about 2 toExponential calls per value instead
 * of 8. Powers of two have a lopsided rounding interval where that argument fails, so they take the
 * plain 1..9 scan.
 */
export function shortestExponential(f: number): string {
  if (isPowerOfTwo(f)) return scanUp(f, 1);
  const at8 = f.toExponential(7);
  if (!readsBack(at8, f)) return f.toExponential(8); // 9 digits always round-trip a float32
  let best = at8;
  for (let p = 7; p >= 1; p--) {
    const shorter = f.toExponential(p - 1);
    if (!readsBack(shorter, f)) break;
    best = shorter;
  }
  return best;
}

function scanUp(f: number, from: number): string {
  for (let p = from; p < 9; p++) {
    const text = f.toExponential(p - 1);
    if (readsBack(text, f)) return text;
  }
  return f.toExponential(8);
}

function isPowerOfTwo(f: number): boolean {
  const a = Math.abs(f);
  return a !== 0 && Number.isFinite(a) && 2 ** Math.floor(Math.log2(a)) === a;
}

/** Python float repr style of the shortest float32 decimal: `0.0028842222`, `-5.3660897e-05`, `1.0`. */
export function pythonFloat32(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const exp = shortestExponential(f); // like "-5.3660897e-5"
  const e = exp.indexOf('e');
  const exponent = Number(exp.slice(e + 1));
  const negative = exp[0] === '-';
  const digits = exp.slice(negative ? 1 : 0, e).replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}
