// format: how the CLI writes numbers for people, in one place: counts with thousands separators
// (1,234,567), megabytes with one decimal.

export const count = (x: number): string => x.toLocaleString('en-US');

export const megabytes = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
