// Batch output files are written by Python (json.dumps defaults): ", " and ": " separators and
// non-ASCII escaped as \uXXXX. Readers that only cope with compact JSON break on the real thing, so
// the emulator writes the same bytes.

/** Already-serialized JSON, inserted verbatim (used for float arrays in their float32 repr). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type PyValue = null | boolean | number | string | RawJson | PyValue[] | { [key: string]: PyValue };

export function pythonJson(value: PyValue): string {
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'string') return pythonString(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const members = Object.entries(value).map(([k, v]) => `${pythonString(k)}: ${pythonJson(v)}`);
  return `{${members.join(', ')}}`;
}

function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
