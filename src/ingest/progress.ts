// progress: what an ingest reports while it runs (bytes, lines, the input's size when known), to a
// listener the caller gives; the CLI draws it on a terminal (cli/progress.ts).

/** How far an ingest has read: bytes, non-blank lines, and the inputs' total size when known. */
export interface ProgressCounts {
  bytes: number;
  lines: number;
  totalBytes: number | undefined;
}

/** Called as an ingest reads, with the counts so far and the seconds since it started. */
export type ProgressListener = (counts: ProgressCounts, seconds: number) => void;
