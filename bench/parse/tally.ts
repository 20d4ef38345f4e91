// What a parser found in a file, reduced to a few numbers every parser must agree on: the vectors it
// read, their values, and a hash of every value's float32 bits, in file order. A parser that skipped
// a number, or read one differently by a single bit, shows a different hash.

export class Tally {
  /** Lines that were not blank. */
  lines = 0;
  vectors = 0;
  numbers = 0;
  hash = 0;

  /** The first `dims` values of `v`, as the ingest would store them. */
  add(v: Float32Array, dims: number): void {
    const bits = new Uint32Array(v.buffer, v.byteOffset, dims);
    let h = this.hash;
    for (let k = 0; k < dims; k++) h = (Math.imul(h, 31) + bits[k]) | 0;
    this.hash = h;
    this.vectors++;
    this.numbers += dims;
  }
}

/** A reusable float32 vector with a byte view, for parsers that hand over JS arrays or base64 text. */
export class Vector {
  values = new Float32Array(2048);
  private bytes = Buffer.from(this.values.buffer);

  /** Copies a JSON array of numbers in, rounding each to float32 as the store does. */
  fromArray(a: number[]): number {
    this.ensure(a.length);
    const v = this.values;
    for (let k = 0; k < a.length; k++) v[k] = a[k];
    return a.length;
  }

  /** Decodes base64 text straight into the vector's bytes (as vecfill does). */
  fromBase64(text: string): number {
    this.ensure(Math.ceil((text.length / 4) * 3 / 4));
    return this.bytes.write(text, 'base64') / 4;
  }

  /** Room for n values, keeping those there. */
  ensure(n: number): void {
    if (n <= this.values.length) return;
    const bigger = new Float32Array(Math.max(n, this.values.length * 2));
    bigger.set(this.values);
    this.values = bigger;
    this.bytes = Buffer.from(bigger.buffer);
  }
}
