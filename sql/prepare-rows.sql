-- The rows prepare sends: the vector column is NULL and the user's --where holds (raw SQL, by design).
-- The flags (prepare-flags.sql when the ledger exists, else all false) mark rows to leave out; their
-- text is not read. {table}, {id}, {text}, {column} are quoted names; {flags} is the flags' SELECT;
-- {where} is the --where text or "true", on lines of its own so that a -- comment in it ends there.
SELECT t.{id}::text AS id,
       s.in_flight,
       s.failed,
       s.exhausted,
       s.unseen,
       CASE WHEN s.in_flight OR s.failed OR s.exhausted OR s.unseen THEN NULL ELSE t.{text}::text END AS text
FROM {table} AS t
CROSS JOIN LATERAL (
{flags}
) AS s
WHERE t.{column} IS NULL
  AND (
{where}
)
ORDER BY t.{id}
