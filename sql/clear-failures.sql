-- Failures of rows that a batch carried and that now hold a vector: they failed before, not any more.
-- {table}, {id}, {column} are quoted names; {idtype} is the id column's type (a fixed name).
-- $1, $2, $3: the table's schema, name and the vector column; $4: the batch id.
DELETE FROM vecfill.row_failures f
USING vecfill.batch_rows r, {table} AS t
WHERE r.batch_id = $4 AND f.table_schema = $1 AND f.table_name = $2 AND f.column_name = $3
  AND f.row_id = r.row_id AND t.{id} = r.row_id::{idtype} AND t.{column} IS NOT NULL
