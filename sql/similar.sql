-- The k rows nearest to a query vector by cosine distance, the fill-in values quoted names and fixed
-- SQL only. {query}: one vector for the whole scan (a scalar subquery of one row's vector, or $1 cast
-- to the column's type), so an index on {column} can serve the ORDER BY; {self}: the row to leave out,
-- or true; {text}: the text shown with each row, or NULL. $2: k.
SELECT t.{id}::text AS id, (t.{column} <=> {query})::float8 AS distance, {text} AS text
FROM {table} t
WHERE t.{column} IS NOT NULL AND {self}
ORDER BY t.{column} <=> {query}
LIMIT $2
