-- Baseline 2, SQL only: psql \copy the raw lines into a jsonb temp table, then one UPDATE that casts
-- the embedding array to vector. CSV with quote and delimiter bytes that never occur in JSON Lines
-- takes each line whole, backslashes and all. Every number goes through jsonb's numeric and back to
-- text before vector_in parses it again.
-- usage: psql -v table=bench_docs -f sql-float.sql < output.jsonl
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE raw (j jsonb) ON COMMIT DROP;
\copy raw from pstdin with (format csv, quote e'\x01', delimiter e'\x02')
UPDATE :"table" d
   SET "embedding" = (r.j->'response'->'body'->'data'->0->>'embedding')::vector
  FROM raw r
 WHERE (r.j->'response'->>'status_code') = '200'
   AND d."id" = (r.j->>'custom_id')::bigint;
COMMIT;
