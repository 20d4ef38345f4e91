// How the API prints a float32 vector: as little-endian bytes in base64, or as JSON numbers in their
// shortest float32 form, the way Python's repr prints them.

/** Little-endian float32 bytes as base64: the API's `encoding_format: "base64"`. */
export function float32Base64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i], i * 4);
  return bytes.toString('base64');
}

/**
 * The shortest decimal that reads back as the same float32 (Math.fround(Number(s)) === f), printed
 * the way Python's repr prints it, as the API's float output does: "0.0123", "-5.3660897e-05".
 */
export function formatFloat32(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(f)) throw new RangeError(`not a finite number: ${f}`);
  return pythonRepr(shortestExponential(f));
}

// Nearly every float32 needs 7 to 9 digits, so try 6 first and scan the short lengths only when 6
// suffices. Success is monotone in the digit count except where the rounding interval is lopsided
// (exact powers of two), which get the full scan.
function shortestExponential(f: number): string {
  const powerOfTwo = Number.isInteger(Math.log2(Math.abs(f)));
  const first = powerOfTwo || roundTrips(f.toExponential(5), f) ? 1 : 7;
  for (let digits = first; digits <= 9; digits++) {
    const s = f.toExponential(digits - 1);
    if (roundTrips(s, f)) return s;
  }
  throw new RangeError(`not a float32: ${f}`);
}

function roundTrips(s: string, f: number): boolean {
  return Math.fround(Number(s)) === f;
}

// "d.ddde-5" → Python repr: scientific with a two-digit exponent below 1e-4 and from 1e16 up,
// positional otherwise, and always a ".0" on whole numbers.
function pythonRepr(exponential: string): string {
  const [mantissa, exponentText] = exponential.split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${head}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}
