-- The approximate-nearest-neighbour indexes (pgvector's HNSW and IVFFlat) on an ingest's vector column:
-- each one is updated row by row as the ingest writes, which is what makes an indexed target slow.
-- $1: the table (its oid, as the catalog resolved it); $2: the vector column, as an exact name.
SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname) AS sql,
       ic.relname AS name,
       am.amname AS method,
       pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_am am ON am.oid = ic.relam
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = $2::name
WHERE i.indrelid = $1::regclass
  AND am.amname IN ('hnsw', 'ivfflat')
  AND a.attnum = ANY (i.indkey)
ORDER BY ic.relname
