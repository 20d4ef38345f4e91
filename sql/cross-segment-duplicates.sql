-- Ids that appear in more than one segment (each segment is already free of duplicates): the later
-- segment's UPDATE won, so the earlier lines count as duplicates, and a target row updated twice must
-- count once. {segments} is "SELECT id FROM seg1 {filter} UNION ALL SELECT id FROM seg2 {filter} …";
-- {target} and {id} are the quoted target table and id column.
SELECT (count(*) - count(DISTINCT u.id))::int8 AS duplicates,
       (count(*) FILTER (WHERE m.matched) - count(DISTINCT u.id) FILTER (WHERE m.matched))::int8 AS rows_twice
FROM ({segments}) AS u
CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM {target} AS d WHERE d.{id} = u.id) AS matched) AS m
