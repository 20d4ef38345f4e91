-- PostgreSQL's floor: rows already encoded as binary COPY (untimed, by bench/floor-input.ts) arrive on
-- psql's stdin; what is timed is the COPY into the temp table, ANALYZE and the one UPDATE, i.e. the
-- database's share of any ingest. No tool that sends the same rows can be faster than this.
-- usage: psql -v table=bench_docs -f floor.sql < rows.copybin
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE t (id bigint, v vector) ON COMMIT DROP;
\copy t from pstdin with (format binary)
ANALYZE t;
UPDATE :"table" d SET "embedding" = t.v FROM t WHERE d."id" = t.id;
COMMIT;
