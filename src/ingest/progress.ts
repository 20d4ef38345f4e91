// progress: what an ingest reports while it runs (bytes, lines, the input's size when known), to a
// listener the caller gives; the CLI draws it on a terminal (cli/progress.ts).

export interface ProgressCounts {
  bytes: number;
  lines: number;
  totalBytes: number | undefined;
}

export type ProgressListener = (counts: ProgressCounts, seconds: number) => void;
