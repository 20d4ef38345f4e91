-- The target of an ingest, read from the catalog before any input is read.
-- $1: the table as a quoted, possibly qualified name ("app"."docs"), resolved through search_path.
-- $2, $3: the id column and the vector column, as exact (already folded) names.
SELECT n.nspname AS schema,
       c.relname AS table,
       c.relkind AS kind,
       a.attname AS column,
       t.typname AS typname,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.atttypmod AS typmod,
       -- Whether an index leads with this column: the segment UPDATEs then look rows up through it.
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indkey[0] = a.attnum
                                          AND i.indisvalid AND i.indpred IS NULL) AS indexed,
       (SELECT string_agg(quote_ident(x.attname), ', ' ORDER BY x.attnum)
          FROM pg_attribute x WHERE x.attrelid = c.oid AND x.attnum > 0 AND NOT x.attisdropped) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                        AND a.attname IN ($2::name, $3::name)
LEFT JOIN pg_type t ON t.oid = a.atttypid
WHERE c.oid = to_regclass($1)
