// A strict JSON reader over the bytes of one line. The small structure of a Batch output line is read
// into plain values; the one big value, the embedding, is handed to a hook that reads it in place
// (see decode.ts), so the 6,000–30,000 numbers of a vector never become strings or JS arrays.
// It reads what JSON.parse reads, as JSON.parse reads it: the same strings for escaped keys and values,
// the last of duplicate keys, and "__proto__" as an ordinary key (objects have no prototype).
//
// Why its own reader and not split2 + JSON.parse or a streaming parser: on 20,000 float lines of 1536
// values (389 MB), parsing every number and nothing else, this reader (with lines.ts and decode.ts)
// took 1.5 s; split2 alone, turning the bytes into line strings, 1.6 s; split2 + JSON.parse 4.4 s;
// stream-json's tokenizer 22 s. Measured by `npm run bench -- --parse-only`; bench/README.md has the table.
import { NumberScanner } from './floats.js';

export class MalformedJson extends Error {
  constructor(readonly at: number, what: string) {
    super(`malformed JSON at byte ${at + 1}: ${what}`);
  }
}

/** Reads a value in place; returns what the parsed structure should hold there. */
export type Hook = (reader: JsonBytes) => unknown;

/**
 * Where hooks sit, as a path from the document's root: `keys` leads from an object's key to the shape
 * of its value, `first` from an array to the shape of its first element. Only values at exactly such
 * a path are hooked; the same key anywhere else is an ordinary value.
 */
export interface Shape {
  hook?: Hook;
  keys?: Map<string, Shape>;
  first?: Shape;
}

/** A parsed JSON object: no prototype, so that every key, "__proto__" included, is an own property. */
export type JsonObject = Record<string, unknown>;

const MAX_DEPTH = 64;

export class JsonBytes {
  /** The document, b[i, end) the part not read yet: the cursor moves only here, by the methods below. */
  private b: Buffer = Buffer.alloc(0);
  private i = 0;
  private end = 0;
  private depth = 0;
  private readonly scanner = new NumberScanner();

  constructor(private readonly shape: Shape | undefined = undefined) {}

  /** Parses b[start, end) as exactly one JSON value with nothing after it. */
  parseDocument(b: Buffer, start: number, end: number): unknown {
    this.b = b;
    this.i = start;
    this.end = end;
    this.depth = 0;
    const value = this.value(this.shape);
    this.ws();
    if (this.i < this.end) this.fail('unexpected data after the JSON value');
    return value;
  }

  /** The bytes of the document being read (for a hook that reads a span plainStringSpan gave it). */
  get bytes(): Buffer {
    return this.b;
  }

  fail(what: string): never {
    throw new MalformedJson(this.i, what);
  }

  /** Fails naming the byte at `at` of the document, not the cursor. */
  failAt(at: number, what: string): never {
    throw new MalformedJson(at, what);
  }

  /** Steps past n bytes the caller has peeked. */
  skip(n: number): void {
    this.i += n;
  }

  private ws(): void {
    const b = this.b;
    let i = this.i;
    let c = b[i];
    while (i < this.end && (c === 32 || c === 9 || c === 13 || c === 10)) c = b[++i];
    this.i = i;
  }

  /** The byte at the cursor after whitespace, or -1 at the end of the line. */
  peek(): number {
    this.ws();
    return this.i < this.end ? this.b[this.i] : -1;
  }

  /** The value at the cursor; shape (if any) says where hooks sit inside it. */
  value(shape?: Shape): unknown {
    if (shape?.hook) return shape.hook(this);
    const c = this.peek();
    switch (c) {
      case 123: return this.object(shape?.keys);
      case 91: return this.array(shape?.first);
      case 34: return this.string();
      case 116: return this.literal('true', true);
      case 102: return this.literal('false', false);
      case 110: return this.literal('null', null);
      case -1: return this.fail('unexpected end of line');
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number();
        return this.fail(`unexpected character ${JSON.stringify(String.fromCharCode(c))}`);
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
  }

  private object(keys: Map<string, Shape> | undefined): JsonObject {
    this.enter();
    this.i++;
    // As JSON.parse: "__proto__" is a key like any other (on a plain {} it would set the prototype, and
    // a line could hide its custom_id there), and a repeated key keeps its last value.
    const out: JsonObject = Object.create(null);
    if (this.peek() === 125) { this.i++; this.depth--; return out; }
    for (;;) {
      if (this.peek() !== 34) this.fail('expected a string key');
      const key = this.string();
      if (this.peek() !== 58) this.fail("expected ':'");
      this.i++;
      out[key] = this.value(keys?.get(key));
      const c = this.peek();
      this.i++;
      if (c === 44) continue;
      if (c === 125) break;
      this.i--;
      this.fail("expected ',' or '}'");
    }
    this.depth--;
    return out;
  }

  private array(first: Shape | undefined): unknown[] {
    this.enter();
    this.i++;
    const out: unknown[] = [];
    if (this.peek() === 93) { this.i++; this.depth--; return out; }
    for (;;) {
      out.push(this.value(out.length === 0 ? first : undefined));
      const c = this.peek();
      this.i++;
      if (c === 44) continue;
      if (c === 93) break;
      this.i--;
      this.fail("expected ',' or ']'");
    }
    this.depth--;
    return out;
  }

  private literal(word: string, value: boolean | null): boolean | null {
    for (let k = 0; k < word.length; k++) {
      if (this.b[this.i + k] !== word.charCodeAt(k) || this.i + k >= this.end) this.fail(`expected ${word}`);
    }
    this.i += word.length;
    return value;
  }

  /** The number at the cursor (which is on its first byte). */
  number(): number {
    const value = this.scanner.number(this.b, this.i, this.end);
    if (this.scanner.end < 0) this.fail('invalid number');
    this.i = this.scanner.end;
    return value;
  }

  /**
   * The plain numbers of an array from the cursor (inside the array), read by the scanner's fast loop
   * into out[n…]; returns the new count. The cursor moves to where the loop stopped, and the scanner
   * (the caller's) tells why (Stop) and which value was out of ±limit first.
   */
  numbers(scanner: NumberScanner, out: Float32Array, n: number, limit: number): number {
    n = scanner.numbers(this.b, this.i, this.end, out, n, limit);
    this.i = scanner.end;
    return n;
  }

  /** The string at the cursor (which is on its opening quote). */
  string(): string {
    const b = this.b;
    const start = this.i + 1;
    let i = start;
    for (;;) {
      if (i >= this.end) { this.i = i; this.fail('unterminated string'); }
      const c = b[i];
      if (c === 34) break;
      if (c === 92) return this.escapedString(start);
      if (c < 32) { this.i = i; this.fail('control character in a string'); }
      i++;
    }
    this.i = i + 1;
    return b.toString('utf8', start, i);
  }

  /** Returns the [start, end) of the raw string bytes if it has no escapes, else null (cursor unmoved). */
  plainStringSpan(): [number, number] | null {
    const b = this.b;
    const start = this.i + 1;
    const close = b.indexOf(34, start);
    if (close < 0 || close >= this.end) return null;
    // Within the string only: indexOf runs to the end of the buffer, which may hold many more lines.
    if (b.subarray(start, close).includes(92)) return null;
    this.i = close + 1;
    return [start, close];
  }

  private escapedString(start: number): string {
    const b = this.b;
    let out = '';
    let from = start;
    let i = start;
    for (;;) {
      if (i >= this.end) { this.i = i; this.fail('unterminated string'); }
      const c = b[i];
      if (c === 34) break;
      if (c < 32) { this.i = i; this.fail('control character in a string'); }
      if (c !== 92) { i++; continue; }
      out += b.toString('utf8', from, i);
      const e = b[i + 1];
      i += 2;
      switch (e) {
        case 34: out += '"'; break;
        case 92: out += '\\'; break;
        case 47: out += '/'; break;
        case 98: out += '\b'; break;
        case 102: out += '\f'; break;
        case 110: out += '\n'; break;
        case 114: out += '\r'; break;
        case 116: out += '\t'; break;
        case 117: {
          const hex = b.toString('latin1', i, i + 4);
          if (i + 4 > this.end || !/^[0-9a-fA-F]{4}$/.test(hex)) { this.i = i; this.fail('invalid \\u escape'); }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.i = i - 1;
          this.fail('invalid escape in a string');
      }
      from = i;
    }
    out += b.toString('utf8', from, i);
    this.i = i + 1;
    return out;
  }
}
