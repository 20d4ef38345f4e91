// SQL identifiers are always quoted, never interpolated raw (DESIGN.md), the bench included.
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
