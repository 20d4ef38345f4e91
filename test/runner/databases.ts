// A database of its own for each shard on PostgreSQL: DATABASE_URL's database name with _shard1,
// _shard2, … made fresh for the run (dropped first if a run before left it), so that shards running at
// once never see each other's tables, ledger (schema vecfill), advisory locks or sessions. Tests that
// need a database of their own still make one (helpers/batch.ts freshDatabase).
import pg from 'pg';

export async function shardDatabases(serverUrl: string, count: number): Promise<string[]> {
  if (count === 1) return [serverUrl]; // one shard alone shares nothing: the database as given
  const base = new URL(serverUrl);
  const name = decodeURIComponent(base.pathname.slice(1)) || 'postgres';
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const urls: string[] = [];
    for (let k = 1; k <= count; k++) {
      const shard = `${name}_shard${k}`;
      const id = client.escapeIdentifier(shard);
      await client.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${id}`);
      const url = new URL(base);
      url.pathname = `/${encodeURIComponent(shard)}`;
      urls.push(url.toString());
    }
    return urls;
  } catch (err) {
    throw new Error(`the test runner makes a database per shard on the server and could not (${(err as Error).message}); ` +
      'give the role CREATEDB, or run one shard on DATABASE_URL itself with --shards 1', { cause: err });
  } finally {
    await client.end();
  }
}
