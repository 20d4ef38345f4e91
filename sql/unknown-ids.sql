-- The staged lines whose id matches no row of the target, for the rejects file: one per id (its latest
-- line; earlier lines of a repeated id are counted as duplicates), in input order. The id travels as
-- hex so the COPY text needs no unescaping whatever the id holds.
-- {segments}: "SELECT id, ord FROM seg1 UNION ALL …"; {target}, {id}: the quoted table and id column.
COPY (
  SELECT x.ord, encode(convert_to(x.id::text, 'UTF8'), 'hex')
  FROM (
    SELECT DISTINCT ON (u.id) u.id, u.ord
    FROM ({segments}) AS u
    WHERE NOT EXISTS (SELECT 1 FROM {target} AS d WHERE d.{id} = u.id)
    ORDER BY u.id, u.ord DESC
  ) AS x
  ORDER BY x.ord
) TO STDOUT
