// A JSON syntax tree that keeps the text of every key and scalar, so one value can be spelled many ways
// (escaped keys, other number spellings, whitespace between tokens, duplicate keys) and then printed.

/** An object keeps its keys as JSON text ("custom_id" or "custom\u005fid") in order, duplicates allowed. */
export type Node = { obj: [string, Node][] } | { arr: Node[] } | { raw: string };

export const raw = (text: string): Node => ({ raw: text });
export const str = (s: string): Node => ({ raw: JSON.stringify(s) });
export const num = (x: number): Node => ({ raw: String(x) });
export const obj = (entries: Record<string, Node>): Node & { obj: [string, Node][] } =>
  ({ obj: Object.entries(entries).map(([k, v]) => [JSON.stringify(k), v]) });
export const arr = (items: Node[]): Node & { arr: Node[] } => ({ arr: items });

/** The entry of a key (by its unescaped name), or undefined. */
export function entry(node: Node, key: string): [string, Node] | undefined {
  if (!('obj' in node)) return undefined;
  return node.obj.find(([k]) => JSON.parse(k) === key);
}

/** Prints the tree; `gap` gives the whitespace between two tokens (usually none). */
export function print(node: Node, gap: () => string): string {
  const out: string[] = [];
  // An explicit stack: a generated tree may nest deeper than the JS stack would like.
  const todo: (Node | string)[] = [node];
  while (todo.length) {
    const n = todo.pop()!;
    if (typeof n === 'string') { out.push(n); continue; }
    if ('raw' in n) { out.push(n.raw); continue; }
    const parts: (Node | string)[] = [];
    if ('arr' in n) {
      parts.push('[' + gap());
      n.arr.forEach((item, k) => parts.push(...(k ? [gap() + ',' + gap()] : []), item));
      parts.push(gap() + ']');
    } else {
      parts.push('{' + gap());
      n.obj.forEach(([key, value], k) => parts.push(...(k ? [gap() + ',' + gap()] : []), key + gap() + ':' + gap(), value));
      parts.push(gap() + '}');
    }
    for (let k = parts.length - 1; k >= 0; k--) todo.push(parts[k]);
  }
  return out.join('');
}

/** A JSON string literal for s with some characters written as \u escapes (and '/' as \/). */
export function escapedString(s: string, rnd: () => number, share = 0.5): string {
  let out = '"';
  for (const ch of s) {
    for (let k = 0; k < ch.length; k++) {
      const unit = ch.charCodeAt(k);
      const plain = JSON.stringify(ch[k]).slice(1, -1);
      if (rnd() < share) out += unit === 0x2f && rnd() < 0.5 ? '\\/' : `\\u${hex4(unit, rnd() < 0.5)}`;
      else if (ch.length === 2) { out += ch; break; }
      else out += plain;
    }
  }
  return out + '"';
}

function hex4(unit: number, upper: boolean): string {
  const h = unit.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
}
