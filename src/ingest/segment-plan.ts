// segment-plan: where one COPY segment ends and the next begins (db/apply.ts says why there are
// segments). Segments are ~16 MiB of COPY data; two adjustments:
// - every segment is a temp table holding a few locks until COMMIT, so past every 64 segments they
//   double: even a 100 GB ingest stays within max_locks_per_transaction's default;
// - the last segment's UPDATE is the one piece of the database's work that nothing overlaps, so when
//   the input's size is known, segments shrink towards the end (half of what is left, down to 1 MiB).
// Segments of Infinity bytes make one segment, whatever the input's size (a target without an index on
// its id column: each segment's UPDATE would read the whole table).

/** COPY data per segment: large enough that per-statement costs vanish, small enough to overlap well. */
export const SEGMENT_BYTES = 16 * 1024 * 1024;
const MIN_TAIL_SEGMENT = 1024 * 1024;

export class SegmentPlan {
  private segments = 0;
  private target: number;
  private copied = 0;

  /** totalInput: the input's size in bytes, when known. */
  constructor(segmentBytes: number, private readonly totalInput: number | undefined) {
    this.target = segmentBytes;
  }

  /** Whether a segment of this many COPY bytes ends here, after inputRead bytes of input. */
  full(segmentBytes: number, inputRead: number): boolean {
    if (segmentBytes >= this.target) return true;
    if (this.target === Infinity || this.totalInput === undefined || inputRead === 0) return false;
    const copyLeft = ((this.totalInput - inputRead) * (this.copied + segmentBytes)) / inputRead;
    return segmentBytes >= Math.max(MIN_TAIL_SEGMENT, copyLeft / 2);
  }

  /** A segment of this many COPY bytes was cut. */
  cut(segmentBytes: number): void {
    this.copied += segmentBytes;
    if (++this.segments % 64 === 0) this.target *= 2;
  }
}
