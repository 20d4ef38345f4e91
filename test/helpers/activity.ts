// Test helpers that watch a vecfill child's backend from another session (pg_stat_activity and
// pg_stat_progress_copy), to act on the child at a known point of its ingest. The backend is found by
// the child's own TCP ports (Linux /proc), so another ingest running at the same time is never mistaken
// for it.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { sql } from './db.js';

export interface CopyProgress {
  pid: number;
  applicationName: string;
  tuples: number;
  bytes: number;
}

/** The local TCP ports of the process's sockets. */
export async function tcpPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]);
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9])) ports.push(parseInt(f[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** The COPY into vecfill's temp table that the child process is running, if it runs one. */
export async function childCopy(childPid: number): Promise<CopyProgress | undefined> {
  const ports = await tcpPorts(childPid);
  if (ports.length === 0) return undefined;
  const { rows } = await sql(
    `SELECT a.pid, a.application_name, coalesce(p.tuples_processed, 0)::int8 AS tuples, coalesce(p.bytes_processed, 0)::int8 AS bytes
       FROM pg_stat_activity a LEFT JOIN pg_stat_progress_copy p ON p.pid = a.pid
      WHERE a.client_port = ANY($1::int[])
        AND a.query ILIKE 'COPY pg_temp.vecfill_in%' AND a.state = 'active'`, [ports]);
  if (rows.length === 0) return undefined;
  return { pid: rows[0].pid, applicationName: rows[0].application_name, tuples: Number(rows[0].tuples), bytes: Number(rows[0].bytes) };
}

/** Polls until the child's COPY satisfies `ok` (default: it runs); throws on timeout. */
export async function waitForCopy(childPid: number, ok: (p: CopyProgress) => boolean = () => true, timeoutMs = 20_000): Promise<CopyProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await childCopy(childPid);
    if (p && ok(p)) return p;
    if (Date.now() > deadline) throw new Error(`the child's COPY did not show in pg_stat_activity within ${timeoutMs} ms (last: ${JSON.stringify(p)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the backend with this pid is gone (its session ended, its transaction rolled back). */
export async function waitForBackendGone(pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rows.length === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`backend ${pid} still there after ${timeoutMs} ms`);
}

export interface Backend {
  pid: number;
  query: string;
  state: string;
  waitEventType: string | null;
}

/** The session the child process has open (its first, by the child's own ports), as pg_stat_activity shows it. */
export async function childBackend(childPid: number): Promise<Backend | undefined> {
  const ports = await tcpPorts(childPid);
  if (ports.length === 0) return undefined;
  const { rows } = await sql(
    `SELECT pid, query, state, wait_event_type FROM pg_stat_activity WHERE client_port = ANY($1::int[]) ORDER BY backend_start LIMIT 1`, [ports]);
  return rows[0] && { pid: rows[0].pid, query: rows[0].query, state: rows[0].state, waitEventType: rows[0].wait_event_type };
}

/**
 * Terminates the backend only if, at that instant, it is running a statement that starts with
 * `statement` (e.g. "COPY pg_temp.vecfill_in", "UPDATE"); returns whether it did. One statement, so
 * the backend cannot move on between the look and the terminate.
 */
export async function terminateWhile(pid: number, statement: string): Promise<boolean> {
  const { rows } = await sql(
    `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND starts_with(query, $2)`,
    [pid, statement]);
  return rows.length > 0 && rows[0].done === true;
}
