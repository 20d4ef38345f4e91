-- Rows a batch carried that are in neither its output nor its error file (or whose output line could
-- not be recorded otherwise) and still have no vector: worth another attempt.
-- {table}, {id}, {column} are quoted names; {idtype} is the id column's type (a fixed name).
-- $1, $2, $3: the table's schema, name and the vector column; $4: the batch id.
INSERT INTO vecfill.row_failures AS f
  (table_schema, table_name, column_name, row_id, attempts, last_code, last_reason, last_batch_id, final, updated_at)
SELECT $1, $2, $3, r.row_id, 1, 'missing', 'in neither the output nor the error file of batch ' || $4, $4, false, now()
FROM vecfill.batch_rows r
JOIN {table} AS t ON t.{id} = r.row_id::{idtype}
WHERE r.batch_id = $4 AND t.{column} IS NULL
  AND NOT EXISTS (SELECT 1 FROM vecfill.row_failures x
                  WHERE x.table_schema = $1 AND x.table_name = $2 AND x.column_name = $3
                    AND x.row_id = r.row_id AND x.last_batch_id = $4)
ON CONFLICT (table_schema, table_name, column_name, row_id) DO UPDATE SET
  attempts = f.attempts + 1,
  last_code = EXCLUDED.last_code,
  last_reason = EXCLUDED.last_reason,
  last_batch_id = EXCLUDED.last_batch_id,
  final = false,
  updated_at = now()
