-- The rows prepare sends: the vector column is NULL and the user's --where holds (raw SQL, by design).
-- {flags} marks rows to leave out (prepare-flags.sql when the ledger exists, else all false); their
-- text is not read. {table}, {id}, {text}, {column}: quoted names; {where}: the --where text or "true".
SELECT t.{id}::text AS id,
       s.in_flight,
       s.failed,
       CASE WHEN s.in_flight OR s.failed THEN NULL ELSE t.{text}::text END AS text
FROM {table} AS t
CROSS JOIN LATERAL ({flags}) AS s
WHERE t.{column} IS NULL
  AND (
{where}
)
ORDER BY t.{id}
