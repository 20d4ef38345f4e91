// Small COPY segments for library tests: ingest() may split its COPY into segments that the database
// applies while the input goes on (IngestOptions.segmentBytes, default 16 MiB). A few KiB makes a small
// test input span many segments. Added without naming the option in an object literal, so the tests
// still type-check (and still hold, with one segment) should the option go.
export function smallSegments<T extends object>(opts: T, bytes = 2048): T {
  return Object.assign({}, opts, { segmentBytes: bytes });
}
