// What the numbers were measured on: a ratio means little without the cores, the memory and the
// versions next to it.
import { availableParallelism, cpus, totalmem } from 'node:os';
import type pg from 'pg';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  pgvector: string;
  settings: Record<string, string>;
}

export async function describeMachine(client: pg.Client): Promise<Machine> {
  const version = await client.query(`SELECT current_setting('server_version') AS pg,
    (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector`);
  // The settings that move the floor: cache sizes, WAL and checkpoints.
  const names = ['shared_buffers', 'temp_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size', 'synchronous_commit', 'wal_compression'];
  const settings = await client.query('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)', [names]);
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: version.rows[0].pg,
    pgvector: version.rows[0].vector ?? 'not installed',
    settings: Object.fromEntries(settings.rows.map((r) => [r.name, `${r.setting}${r.unit ? ` ${r.unit}` : ''}`])),
  };
}

export const machineLine = (m: Machine): string =>
  `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB RAM, PostgreSQL ${m.postgres}, pgvector ${m.pgvector}, Node ${m.node}`;
