-- For prepare-rows.sql, per row t: whether a batch holds it ($6: the statuses in which a batch not yet
-- settled holds its rows, src/batch/states.ts: in flight, or finished but not yet ingested; a failed
-- batch holds nothing), whether it failed for good, whether it failed as
-- often as it may ($4, the most attempts; NULL: no limit), and, when $5 (only rows to retry), whether
-- the ledger has never seen it (no batch carried it, no failure recorded).
-- $1, $2, $3: the table's schema, name and the vector column, as the catalog names them; {id} is the
-- quoted id column of t.
SELECT EXISTS (
         SELECT 1 FROM vecfill.batch_rows r JOIN vecfill.batches b ON b.batch_id = r.batch_id
         WHERE r.row_id = t.{id}::text AND b.table_schema = $1 AND b.table_name = $2 AND b.column_name = $3
           AND b.ingested_at IS NULL AND b.status = ANY($6::text[])) AS in_flight,
       EXISTS (
         SELECT 1 FROM vecfill.row_failures f
         WHERE f.row_id = t.{id}::text AND f.table_schema = $1 AND f.table_name = $2 AND f.column_name = $3
           AND f.final) AS failed,
       EXISTS (
         SELECT 1 FROM vecfill.row_failures f
         WHERE f.row_id = t.{id}::text AND f.table_schema = $1 AND f.table_name = $2 AND f.column_name = $3
           AND NOT f.final AND f.attempts >= $4::int) AS exhausted,
       $5::boolean
         AND NOT EXISTS (
           SELECT 1 FROM vecfill.batch_rows r JOIN vecfill.batches b ON b.batch_id = r.batch_id
           WHERE r.row_id = t.{id}::text AND b.table_schema = $1 AND b.table_name = $2 AND b.column_name = $3)
         AND NOT EXISTS (
           SELECT 1 FROM vecfill.row_failures f
           WHERE f.row_id = t.{id}::text AND f.table_schema = $1 AND f.table_name = $2 AND f.column_name = $3) AS unseen
