-- Baseline 2 on base64 output, SQL only: decode(…, 'base64') gives the little-endian float32 bytes;
-- SQL has no cast from bits to real, so each value is rebuilt from its sign, exponent and mantissa
-- in double precision (exact: 24-bit mantissa times a power of two), then cast to real (exact again).
-- Subnormals are handled; NaN and infinity cannot occur in an embedding and vector rejects them.
-- usage: psql -v table=bench_docs -f sql-base64.sql < output.jsonl
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE raw (j jsonb) ON COMMIT DROP;
\copy raw from pstdin with (format csv, quote e'\x01', delimiter e'\x02')
-- Both steps MATERIALIZED: inlined, the planner copies decode(j->…) into each of the four get_byte
-- calls of every value, detoasting and decoding the whole line 6,000 times per row.
WITH bytes AS MATERIALIZED (
  SELECT (j->>'custom_id')::bigint AS id, decode(j->'response'->'body'->'data'->0->>'embedding', 'base64') AS b
    FROM raw
   WHERE (j->'response'->>'status_code') = '200'
), decoded AS MATERIALIZED (
  SELECT id,
         (SELECT array_agg(
                   (CASE WHEN bits < 0 THEN -1 ELSE 1 END)
                   * CASE WHEN (bits >> 23) & 255 = 0
                          THEN (bits & 8388607)::float8 * 2::float8 ^ (-149)
                          ELSE ((bits & 8388607) + 8388608)::float8 * 2::float8 ^ (((bits >> 23) & 255) - 150)
                     END
                   ORDER BY i)::real[]::vector
            FROM generate_series(0, length(b) / 4 - 1) AS i,
                 -- bitwise operators share one precedence level in PostgreSQL: parenthesize every shift
                 LATERAL (SELECT get_byte(b, 4 * i)
                               | (get_byte(b, 4 * i + 1) << 8)
                               | (get_byte(b, 4 * i + 2) << 16)
                               | (get_byte(b, 4 * i + 3) << 24) AS bits) w) AS embedding
    FROM bytes
)
UPDATE :"table" d
   SET "embedding" = decoded.embedding
  FROM decoded
 WHERE d."id" = decoded.id;
COMMIT;
