-- The type of a table's column, or no row when there is no such column.
-- $1: the quoted, qualified table; $2: the column's exact (already folded) name.
SELECT format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a
WHERE a.attrelid = to_regclass($1) AND a.attname = $2::name AND a.attnum > 0 AND NOT a.attisdropped
