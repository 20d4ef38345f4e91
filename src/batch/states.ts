// states: the one vocabulary of batch states, for the TypeScript and (as parameters) the SQL alike.
//
//   validating → in_progress → finalizing → completed          (final)
//        ↘ failed (final)        ↘ cancelling → cancelled      (final)
//                  ↘ expired (final: the 24 h window ran out)
//
// - in flight: not final yet; the API may still change it.
// - final: never changes again.
// - enqueued: counts against the organization's enqueued-token limit.
// - ingestable: final with output that may be paid for (completed, expired, cancelled): to ingest.
// - failed: failed as a whole, no output: its rows go again (settle-failed.ts).
// - settled: ingested (or, when failed, settled): the ledger row's ingested_at is set.
// - holding its rows: a batch not settled and not failed carries its rows; no other batch may send
//   them (prepare, submit). In SQL: `ingested_at IS NULL AND status = ANY(<HOLDING>)`.

export const IN_FLIGHT_STATUSES = ['validating', 'in_progress', 'finalizing', 'cancelling'] as const;
export const FINAL_STATUSES = ['completed', 'failed', 'expired', 'cancelled'] as const;
export const ENQUEUED_STATUSES = ['validating', 'in_progress', 'finalizing'] as const;
export const INGESTABLE_STATUSES = ['completed', 'expired', 'cancelled'] as const;
/** The statuses in which a batch not yet settled holds its rows: all but failed. */
export const HOLDING_STATUSES = [...IN_FLIGHT_STATUSES, ...INGESTABLE_STATUSES] as const;

export type BatchStatus = (typeof IN_FLIGHT_STATUSES)[number] | (typeof FINAL_STATUSES)[number];

const has = (list: readonly string[]) => (status: string): boolean => list.includes(status);

export const isFinal = has(FINAL_STATUSES);
export const isInFlight = (status: string): boolean => !isFinal(status);
export const isEnqueued = has(ENQUEUED_STATUSES);
export const isIngestable = has(INGESTABLE_STATUSES);
export const isFailed = (status: string): boolean => status === 'failed';
