// How big a heavy test's input is. Every test proves its point at the default size, sized to what it
// proves and to a suite that answers in about two minutes; VECFILL_TEST_LARGE=1 (set by CI on one of
// its two runs) runs the sizes an issue's "Done when" named, which find what only volume finds.
export const LARGE = process.env.VECFILL_TEST_LARGE === '1';

/** The default size, or the large one under VECFILL_TEST_LARGE=1. */
export function sized(normal: number, large: number): number {
  return LARGE ? large : normal;
}
