// Small COPY segments for library tests: ingest() splits its COPY into segments that the database
// applies while the input goes on (IngestInternals.segmentBytes, default 16 MiB); a few KiB makes a
// small test input span many segments. The public option types leave segmentBytes out (ingest() and
// createIngestStream() hand it on to ingestWith()), so it is named here through IngestInternals:
// should the option go or change its name, the tests stop compiling instead of quietly running one
// segment. What the types cannot see (an option dropped on the way) the tests see by counting the
// UPDATEs, one per segment (countUpdates in db.ts).
import type { IngestInternals } from '../../src/ingest/ingest.js';

export function smallSegments<T extends object>(opts: T, bytes = 2048): T & IngestInternals {
  const internals: IngestInternals = { segmentBytes: bytes };
  return { ...opts, ...internals };
}
