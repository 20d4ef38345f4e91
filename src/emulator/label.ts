// How everything the emulator serves says that it is emulated, so that no vector of its ever passes
// for a model's: a header on every answer, a field on every batch, file and result line, and the
// names of the files it writes. The model named in a result stays the one asked for, as a client
// reads it; the label sits beside it.

/** Sent with every answer, errors and injected faults included. */
export const LABEL_HEADER = 'x-vecfill-emulator';

/** A field on every batch and file object and on every line of an output or error file. */
export const LABEL_FIELD = 'vecfill_emulator';

/** The name of a file a batch writes: batch_…_output.emulated.jsonl, batch_…_error.emulated.jsonl. */
export function resultFileName(batchId: string, kind: 'output' | 'error'): string {
  return `${batchId}_${kind}.emulated.jsonl`;
}
