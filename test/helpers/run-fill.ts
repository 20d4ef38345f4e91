// Helpers for the tests of `vecfill run`: a docs table of numbered texts, the run's arguments (fast
// polls), and what the fake server was sent (each row's requests across every uploaded input file).
import type { OpenAIServer } from './openai-server.js';
import { docsTable, type TestDb } from './batch.js';

/** docs with rows 1..count, text "text number N", plus `extra` for some ids (e.g. a REFUSE marker). */
export async function numberedDocs(db: TestDb, count: number, extra: Record<number, string> = {}): Promise<Map<number, string>> {
  const texts = new Map(Array.from({ length: count }, (_, i) => [i + 1, `text number ${i + 1}${extra[i + 1] ? ` ${extra[i + 1]}` : ''}`] as [number, string]));
  await docsTable(db, [...texts]);
  return texts;
}

export const RUN_ARGS = ['run', '--table', 'docs', '--text-column', 'body', '--poll-interval', '0.05'];

/** custom_id → how many batches carried it (an upload that no batch was created from costs nothing).
 *  Read from what each batch parsed when it was created: run deletes the input files afterwards. */
export function submittedRows(server: OpenAIServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of server.state.batches.values()) {
    for (const { customId } of b.plan.requests) counts.set(customId, (counts.get(customId) ?? 0) + 1);
  }
  return counts;
}

/** Batches created through the API (POST /v1/batches answered 200). */
export function batchesCreated(server: OpenAIServer): number {
  return server.state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/batches' && r.status === 200).length;
}

/** custom_id → how many times the server ran its request (embedded it, or refused it): a request sent
 *  again after its batch expired before reaching it ran only once. */
export function ranRows(server: OpenAIServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of server.state.batches.values()) for (const id of b.ran) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
