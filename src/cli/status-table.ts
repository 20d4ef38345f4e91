// status-table: the batches of the ledger as vecfill status shows them, one per line, aligned.
import { dollars } from '../batch/models.js';
import { isInFlight } from '../batch/states.js';
import type { BatchStatus } from '../batch/status.js';
import { count } from './format.js';

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** The human table: one batch per line, aligned columns. */
export function statusTable(rows: BatchStatus[]): string {
  if (rows.length === 0) return 'no batches in the ledger\n';
  const head = ['BATCH', 'TABLE', 'STATUS', 'DONE/TOTAL', 'FAILED', 'AGE', 'TOKENS', 'COST'];
  const body = rows.map((r) => [
    r.batchId,
    `${r.table}.${r.column}`,
    r.ingested ? `${r.status}, ingested` : r.status,
    `${count(r.requests.completed)}/${count(r.requests.total)}`,
    count(r.requests.failed),
    formatAge(r.ageSeconds),
    `${r.tokensEstimated ? '~' : ''}${count(r.tokens)}`,
    r.cost === null ? '?' : dollars(r.cost),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const totalCost = rows.reduce((s, r) => s + (r.cost ?? 0), 0);
  const inFlight = rows.filter((r) => isInFlight(r.status)).length;
  return [line(head), ...body.map(line), `${count(rows.length)} batches, ${count(inFlight)} in flight, ${dollars(totalCost)}`].join('\n') + '\n';
}
