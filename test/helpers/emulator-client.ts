// Driving the emulator's Batch API through the official SDK: a request line, a batch from lines, a
// batch polled to its end, the lines of a result file.
import OpenAI, { toFile } from 'openai';
import type { Batch, BatchCreateParams } from 'openai/resources/batches';

export const SMALL = 'text-embedding-3-small';

/** One line of a batch input file (BatchRequestInput) for /v1/embeddings. */
export function embeddingLine(customId: string, input: unknown, body: Record<string, unknown> = {}): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/embeddings', body: { model: SMALL, input, ...body } });
}

/** Uploads the lines as a batch input file and creates a batch from it. */
export async function submitLines(client: OpenAI, lines: string[], params: Partial<BatchCreateParams> = {}): Promise<Batch> {
  const file = await client.files.create({ purpose: 'batch', file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'requests.jsonl') });
  return client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h', ...params });
}

const FINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Retrieves the batch until it is final (each retrieve steps it one phase). */
export async function pollToEnd(client: OpenAI, batchId: string): Promise<Batch> {
  for (let i = 0; i < 50; i++) {
    const batch = await client.batches.retrieve(batchId);
    if (FINAL.has(batch.status)) return batch;
  }
  throw new Error(`batch ${batchId} never finished`);
}

/** The lines of an output or error file, parsed. */
export async function resultLines(client: OpenAI, fileId: string | null | undefined): Promise<any[]> {
  if (!fileId) throw new Error('expected a file id');
  const text = await (await client.files.content(fileId)).text();
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}
