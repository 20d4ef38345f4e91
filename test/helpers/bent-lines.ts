// Batch API output lines, each a valid line bent one way (cut short, a byte changed, keys escaped,
// duplicated or hidden under "__proto__", numbers spelled otherwise, base64 variants, deep nesting, …),
// for the differential test of the byte reader against JSON.parse. Seeded: one seed, the same lines.
import { prng } from './output.js';
import { arr, entry, escapedString, num, obj, print, raw, str, type Node } from './json-tree.js';

export class Rnd {
  private readonly next: () => number;
  constructor(seed: number) { this.next = prng(seed); }
  float(): number { return this.next(); }
  int(n: number): number { return Math.floor(this.next() * n); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
}

type Obj = Node & { obj: [string, Node][] };
type Arr = Node & { arr: Node[] };

/** A valid line's tree and the parts a bend reaches for. */
interface Line {
  /** What is printed: the root object, unless a bend wrapped it. */
  top: Node;
  root: Obj;
  kind: 'float' | 'base64' | 'http' | 'never';
  objects: Obj[]; // every object on the way to the embedding or the error
  data?: Arr;
  item?: Obj;
  vector?: Arr;
}

/** One line's bytes (no line ending) and the bend applied, for failure messages. */
export interface BentLine { bytes: Buffer; bend: string }

const IDS = ['0', '17', '-5', '9007199254740993', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'doc-1', 'ünï ✓ 😀',
  'quote " and \\ back', 'tab\tnew\nline', '\ud800lone', '__proto__', 'constructor', '', ' 17', '17\u00a0'];

function customId(r: Rnd): string {
  return r.chance(0.5) ? String(r.int(2 ** 31)) : r.pick(IDS);
}

/** A float32 value printed one of the ways a JSON writer may print it. */
function floatText(r: Rnd): string {
  const x = (r.float() - 0.5) * 10 ** (r.int(10) - 8);
  const f = Math.fround(x);
  switch (r.int(5)) {
    case 0: return f.toPrecision(1 + r.int(9));
    case 1: return String(f);
    case 2: return String(x);
    case 3: return f.toExponential(r.int(10));
    default: return f.toFixed(r.int(12));
  }
}

function dims(r: Rnd): number {
  const p = r.float();
  if (p < 0.75) return 1 + r.int(8);
  if (p < 0.98) return 9 + r.int(60);
  if (p < 0.999) return r.pick([256, 1536]);
  return r.pick([3072, 16000, 16001]); // pgvector's limit and one past it
}

function base64Of(r: Rnd, n: number): string {
  const bytes = new Uint8Array(n * 4);
  if (r.chance(0.05)) for (let k = 0; k < bytes.length; k++) bytes[k] = r.int(256); // NaNs, infinities, any bits
  else {
    const f = new Float32Array(bytes.buffer);
    for (let k = 0; k < n; k++) f[k] = (r.float() - 0.5) * 10 ** (r.int(10) - 8);
  }
  return Buffer.from(bytes).toString('base64');
}

/** A valid output line: success (floats or base64), HTTP failure, or never executed. */
export function validLine(r: Rnd): Line {
  const id = customId(r);
  const kind = r.pick(['float', 'float', 'float', 'base64', 'base64', 'http', 'never'] as const);
  const tokens = num(1 + r.int(8000));
  if (kind === 'float' || kind === 'base64') {
    const n = kind === 'base64' && r.chance(0.005) ? r.pick([16000, 16001]) : dims(r);
    const vector = arr(Array.from({ length: kind === 'float' ? n : 0 }, () => raw(floatText(r))));
    const item = obj({ object: str('embedding'), index: num(0), embedding: kind === 'float' ? vector : str(base64Of(r, n)) });
    const data = arr([item]);
    const body = obj({ object: str('list'), data, model: str('text-embedding-3-small'), usage: obj({ prompt_tokens: tokens, total_tokens: tokens }) });
    const response = obj({ status_code: num(200), request_id: str('req_1'), body });
    const root = obj({ id: str('batch_req_1'), custom_id: str(id), response, error: raw('null') });
    return { top: root, root, kind, objects: [root, response, body, item], data, item, vector: kind === 'float' ? vector : undefined };
  }
  if (kind === 'http') {
    const error = obj({ message: str('This model\'s maximum context length is 8192 tokens'), type: str('invalid_request_error'), param: raw('null'), code: raw('null') });
    const body = obj({ error });
    const response = obj({ status_code: num(r.pick([400, 401, 429, 500, 503])), request_id: str('req_1'), body });
    const root = obj({ id: str('batch_req_1'), custom_id: str(id), response, error: raw('null') });
    return { top: root, root, kind, objects: [root, response, body, error] };
  }
  const error = obj({ code: str(r.pick(['batch_expired', 'batch_cancelled', 'Bad-Code', 'x'.repeat(65), ''])), message: str('not run') });
  const root = obj({ id: str('batch_req_1'), custom_id: str(id), response: raw('null'), error });
  return { top: root, root, kind, objects: [root, error] };
}

const shuffle = <T>(r: Rnd, xs: T[]): void => {
  for (let k = xs.length - 1; k > 0; k--) {
    const j = r.int(k + 1);
    [xs[k], xs[j]] = [xs[j], xs[k]];
  }
};

const OTHER_VALUES = ['null', 'true', 'false', '0', '200', '"200"', '[]', '{}', '"x"', '[1,2]', '{"a":1}', '-1.5e3', '"AAAA"'];
const NUMBER_SPELLINGS = ['NaN', '-NaN', 'Infinity', '-Infinity', '+1', '.5', '-.5', '1.', '01', '-01', '00', '-0', '-0.0', '0e0',
  '0E-0', '1E+5', '1e-5', '1e5', '0x1F', '1_0', '1..2', '--1', '-', '1e', '1e+', '1.5e+', '1ee5', '1e999', '-1e999', '3.5e38',
  '3.4028235e38', '3.4028236e38', '1e-50', '-1e-400', '4.9e-324', '2.2250738585072014e-308', '65520', '-65520', '65519.99',
  '65504', '1e5', '0.12345678901234567890123', '1234567890123456789012345', '9007199254740993', '1.0000000596046447753906250001',
  '1E400', '123456789012345e-20', '1e-7', '0.1e1', '2e2', '200.0', '200e0', '0200', '2E+2', '200.000000000000001', '199.99999999999999999'];
const SPACES = [' ', '\t', '\r', '\f', '\v', '\u00a0', '\u2028', '\ufeff', '\u3000', '\u0085', '\u2003'];
const BYTES = [0x22, 0x5c, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x30, 0x31, 0x39, 0x2d, 0x2b, 0x2e, 0x65, 0x45, 0x20, 0x09, 0x0d,
  0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xed, 0xf0, 0xff, 0x41, 0x3d, 0x2f, 0x5f, 0x6e, 0x75, 0x74, 0x66];

/** Bends on the tree; each returns false when it does not apply to the line (another is tried). */
const TREE_BENDS: Record<string, (r: Rnd, line: Line) => boolean> = {
  'key order': (r, line) => { for (const o of line.objects) shuffle(r, o.obj); return true; },
  'escaped keys and strings': (r, line) => {
    for (const o of line.objects) {
      for (const e of o.obj) {
        if (r.chance(0.5)) e[0] = escapedString(JSON.parse(e[0]), () => r.float(), 0.4);
        if ('raw' in e[1] && e[1].raw.startsWith('"') && r.chance(0.7)) e[1] = raw(escapedString(JSON.parse(e[1].raw), () => r.float(), 0.3));
      }
    }
    return true;
  },
  'duplicate key': (r, line) => {
    const o = r.pick(line.objects);
    const k = r.int(o.obj.length);
    const [key, value] = o.obj[k];
    const decoyValue = r.chance(0.3) ? value : r.chance(0.5) ? raw(r.pick(OTHER_VALUES)) : validLine(r).root;
    const decoy: [string, Node] = [r.chance(0.3) ? escapedString(JSON.parse(key), () => r.float()) : key, decoyValue];
    o.obj.splice(r.chance(0.5) ? k : k + 1, 0, decoy); // before: the original wins; after: the decoy does
    if (line.item && r.chance(0.3)) line.item.obj.push(['"embedding"', r.chance(0.5) ? arr([num(1), num(2)]) : str(base64Of(r, 2))]);
    return true;
  },
  '__proto__ key': (r, line) => {
    const root = line.root;
    const idAt = root.obj.findIndex(([k]) => k === '"custom_id"');
    const variant = r.int(6);
    if (variant === 0 && idAt >= 0) root.obj.splice(idAt, 1, ['"__proto__"', obj({ custom_id: root.obj[idAt][1] })]);
    else if (variant === 1) root.obj.splice(r.int(root.obj.length + 1), 0, ['"__proto__"', obj({ custom_id: str('999') })]);
    else if (variant === 2) root.obj.splice(r.int(root.obj.length + 1), 0, [r.chance(0.5) ? '"__proto__"' : '"__pro\\u0074o__"', raw(r.pick(OTHER_VALUES))]);
    else if (variant === 3 && line.item) line.item.obj = [['"__proto__"', obj({ embedding: arr([num(1), num(2), num(3)]) })]];
    else if (variant === 4) {
      const response = entry(root, 'response');
      if (!response) return false;
      root.obj = root.obj.filter((e) => e !== response);
      root.obj.push(['"__proto__"', obj({ response: response[1] })]);
    } else root.obj.push([r.pick(['"constructor"', '"toString"', '"hasOwnProperty"', '"valueOf"']), raw(r.pick(OTHER_VALUES))]);
    return true;
  },
  'wrong type': (r, line) => {
    const o = r.pick(line.objects);
    const e = r.pick(o.obj);
    e[1] = raw(r.pick(OTHER_VALUES));
    if (r.chance(0.1)) line.root.obj = [];
    return true;
  },
  'number spelling': (r, line) => {
    const spots: Node[] = [...(line.vector?.arr ?? [])];
    for (const o of line.objects) for (const e of o.obj) if (['"status_code"', '"total_tokens"'].includes(e[0])) spots.push(e[1]);
    const usage = line.objects.length > 2 ? entry(line.objects[2], 'usage') : undefined;
    if (usage) for (const e of (usage[1] as Obj).obj) spots.push(e[1]);
    if (spots.length === 0) return false;
    for (let n = 1 + r.int(2); n > 0; n--) (r.pick(spots) as { raw: string }).raw = r.pick(NUMBER_SPELLINGS);
    return true;
  },
  'embedding elsewhere': (r, line) => {
    const vector = r.chance(0.5) ? arr([num(9), num(8), num(7)]) : str(base64Of(r, 3));
    if (line.data && r.chance(0.3)) line.data.arr.push(obj({ embedding: vector }));
    else if (line.data && r.chance(0.2)) line.data.arr.length = 0;
    else r.pick(line.objects).obj.push(['"embedding"', vector]);
    return true;
  },
  'base64 variant': (r, line) => {
    const e = line.item && entry(line.item, 'embedding');
    if (!e || !('raw' in e[1]) || !e[1].raw.startsWith('"')) return false;
    let s: string = JSON.parse(e[1].raw);
    const at = r.int(s.length + 1);
    switch (r.int(13)) {
      case 0: s = s.replace(/\+/g, '-').replace(/\//g, '_'); break;
      case 1: s = s.replace(/=+$/, ''); break;
      case 2: s += r.pick(['=', '==', 'A=', 'AAAA']); break;
      case 3: s = s.slice(0, at) + r.pick([' ', '\n', '\t', '\r\n', '=', '*', '.', 'é', '\u0141', '\u0100', '\u2028']) + s.slice(at); break;
      case 4: s = s.slice(0, at) + s.slice(at + 1 + r.int(3)); break;
      case 5: s = s.replace(/[A-Za-z0-9+/](=*)$/, (m, pad) => r.pick(['B', 'C', 'D', 'P', 'Q', '/']) + pad); break; // other bits at the end
      case 6: s = s.toLowerCase(); break;
      case 7: s = ''; break;
      case 8: s = s.slice(0, at - (at % 4)) + '====' + s.slice(at - (at % 4)); break;
      case 9: e[1] = raw(escapedString(s, () => r.float(), 0.2)); return true;
      case 10: e[1] = raw(JSON.stringify(s).replace(/\//g, '\\/')); return true;
      case 11: e[1] = raw(`"${s.slice(0, at)}\\u${r.pick(['0141', '0100', '0041', '003d', '002b', '00e9', 'ff21'])}${s.slice(at)}"`); return true;
      default: s = Buffer.from(s, 'base64').subarray(r.int(4)).toString('base64'); break;
    }
    e[1] = str(s);
    return true;
  },
  'deep nesting': (r, line) => {
    const depth = r.chance(0.003) ? 100_000 : r.pick([2, 30, 59, 60, 61, 62, 63, 64, 65, 66, 200, 5000]);
    const inner = r.pick(['1', '"x"', '[]', '{}', 'null']);
    const nested = r.chance(0.5) ? '['.repeat(depth) + inner + ']'.repeat(depth) : '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
    const unclosed = r.chance(0.1);
    const value = raw(unclosed ? nested.slice(0, nested.length - 1) : nested);
    const where = r.int(4);
    if (where === 0 && line.vector) line.vector.arr[r.int(line.vector.arr.length)] = value;
    else if (where === 1) line.top = r.chance(0.5) ? arr([line.top, value]) : obj({ wrapped: line.top, deep: value });
    else r.pick(line.objects).obj.push([r.pick(['"deep"', '"custom_id"', '"embedding"', '"data"']), value]);
    return true;
  },
};

/** Bends on the printed bytes. */
const BYTE_BENDS: Record<string, (r: Rnd, b: Buffer) => Buffer> = {
  'cut short': (r, b) => b.subarray(0, r.int(b.length)),
  'byte changed': (r, b) => { const c = Buffer.from(b); c[r.int(c.length)] = r.chance(0.7) ? r.pick(BYTES) : r.int(256); return c; },
  'byte dropped': (r, b) => { const k = r.int(b.length); return Buffer.concat([b.subarray(0, k), b.subarray(k + 1)]); },
  'byte added': (r, b) => { const k = r.int(b.length + 1); return Buffer.concat([b.subarray(0, k), Buffer.from([r.chance(0.7) ? r.pick(BYTES) : r.int(256)]), b.subarray(k)]); },
  'whitespace': (r, b) => insertAt(r, b, Buffer.from(r.pick(SPACES))),
  'raw control character': (r, b) => insertAt(r, b, Buffer.from([r.chance(0.9) ? r.int(32) : 0x7f])),
  'trailing comma': (r, b) => {
    const closers = [...b.toString('latin1').matchAll(/[\]}]/g)].map((m) => m.index!);
    if (closers.length === 0) return b;
    const k = r.pick(closers);
    const comma = r.pick([',', ' ,', ',,']);
    return Buffer.concat([b.subarray(0, k), Buffer.from(comma), b.subarray(k)]);
  },
};

/** Inserts the bytes at a random place, often right after a quote or a structural character. */
function insertAt(r: Rnd, b: Buffer, what: Buffer): Buffer {
  let k = r.int(b.length + 1);
  if (r.chance(0.5)) {
    const marks = [...b.toString('latin1').matchAll(/[[\]{}:,"]/g)].map((m) => m.index! + 1);
    if (marks.length) k = r.pick(marks);
  }
  return Buffer.concat([b.subarray(0, k), what, b.subarray(k)]);
}

/** A valid line bent one way (or, one line in ten, left as it is). */
export function bentLine(r: Rnd): BentLine {
  const line = validLine(r);
  if (r.chance(0.3)) for (const o of line.objects) shuffle(r, o.obj);
  const spaced = r.chance(0.2);
  const gap = () => (spaced && r.chance(0.3) ? r.pick([' ', '\t', '\r', '  ', ' \t ']) : '');
  const names = [...Object.keys(TREE_BENDS), ...Object.keys(BYTE_BENDS)];
  let bend = r.chance(0.1) ? 'none' : r.pick(names);
  if (bend in TREE_BENDS && !TREE_BENDS[bend](r, line)) {
    bend = 'key order';
    TREE_BENDS[bend](r, line);
  }
  let bytes: Buffer = Buffer.from(print(line.top, gap));
  if (bend in BYTE_BENDS) bytes = BYTE_BENDS[bend](r, bytes);
  return { bytes, bend };
}
