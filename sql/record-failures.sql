-- Per-row failures of one batch's ingest, from its error file and rejected output lines.
-- $1, $2, $3: the table's schema, name and the vector column; $4: the batch id;
-- $5..$8: row ids, codes, reasons, final flags (each row once). Re-ingesting the same batch
-- (--force) does not count an attempt twice.
INSERT INTO vecfill.row_failures AS f
  (table_schema, table_name, column_name, row_id, attempts, last_code, last_reason, last_batch_id, final, updated_at)
SELECT $1, $2, $3, u.row_id, 1, u.code, u.reason, $4, u.final, now()
FROM unnest($5::text[], $6::text[], $7::text[], $8::boolean[]) AS u(row_id, code, reason, final)
ON CONFLICT (table_schema, table_name, column_name, row_id) DO UPDATE SET
  attempts = f.attempts + CASE WHEN f.last_batch_id IS DISTINCT FROM EXCLUDED.last_batch_id THEN 1 ELSE 0 END,
  last_code = EXCLUDED.last_code,
  last_reason = EXCLUDED.last_reason,
  last_batch_id = EXCLUDED.last_batch_id,
  final = EXCLUDED.final,
  updated_at = now()
