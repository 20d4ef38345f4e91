-- Later line wins: of the rows of one segment that share an id, keep the one with the highest ord
-- (file, line). {segment} is the segment's temp table; {filter} is "WHERE id = ANY($1::text[]::<id
-- type>[])" (only the suspect ids are grouped) or nothing (too many suspects to list).
WITH d AS (
  SELECT id, max(ord) AS keep
  FROM {segment}
  {filter}
  GROUP BY id
  HAVING count(*) > 1
)
DELETE FROM {segment} t USING d WHERE t.id = d.id AND t.ord <> d.keep
