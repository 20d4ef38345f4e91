-- The staging tables of ingests that are gone (`--staging unlogged`): each table's name carries the
-- backend pid of the ingest's connection ("in_<pid>_<segment>"), and a pid that no session has any
-- more is a run that crashed before it could drop them. Only tables this user may drop.
-- $1: the staging schema's name.
SELECT c.relname
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = $1
  AND c.relkind = 'r'
  AND c.relname ~ '^in_[0-9]+_[0-9]+$'
  AND pg_has_role(c.relowner, 'USAGE')
  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity AS a WHERE a.pid = split_part(c.relname, '_', 2)::int)
ORDER BY c.relname
