-- The rows of a batch that failed as a whole (for a reason other than the enqueued-token limit) and
-- still have no vector: one attempt each, to retry. Counting it keeps a batch that fails every time
-- from being sent forever. {table}, {id}, {column} are quoted names; {idtype} is the id column's type
-- (a fixed name).
-- $1, $2, $3: the table's schema, name and the vector column; $4: the batch id; $5, $6: code, reason.
INSERT INTO vecfill.row_failures AS f
  (table_schema, table_name, column_name, row_id, attempts, last_code, last_reason, last_batch_id, final, updated_at)
SELECT $1, $2, $3, r.row_id, 1, $5, $6, $4, false, now()
FROM vecfill.batch_rows r
JOIN {table} AS t ON t.{id} = r.row_id::{idtype}
WHERE r.batch_id = $4 AND t.{column} IS NULL
ON CONFLICT (table_schema, table_name, column_name, row_id) DO UPDATE SET
  attempts = f.attempts + CASE WHEN f.last_batch_id IS DISTINCT FROM EXCLUDED.last_batch_id THEN 1 ELSE 0 END,
  last_code = EXCLUDED.last_code,
  last_reason = EXCLUDED.last_reason,
  last_batch_id = EXCLUDED.last_batch_id,
  final = false,
  updated_at = now()
