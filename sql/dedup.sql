-- Later line wins: of the rows that share an id, keep the one with the highest ord (file, line).
-- $1 (when present): the suspect ids as text, so only they are grouped; the placeholder {filter} is
-- replaced by "WHERE id = ANY($1::text[]::<id type>[])" or by nothing.
WITH d AS (
  SELECT id, max(ord) AS keep
  FROM pg_temp.vecfill_in
  {filter}
  GROUP BY id
  HAVING count(*) > 1
)
DELETE FROM pg_temp.vecfill_in t USING d WHERE t.id = d.id AND t.ord <> d.keep
