// The floor's input: the binary COPY file of (id, vector) rows of a dataset's 200 lines, encoded once
// and untimed, so the floor measures only what PostgreSQL does with rows it is handed.
import { createReadStream } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { base64Floats, COPY_HEADER, COPY_TRAILER, encodeRow } from './copy-binary.js';
import type { Dataset } from './generate.js';

export const floorInputFile = (dataset: Dataset): string => `${dataset.file}.copybin`;

export async function ensureFloorInput(dataset: Dataset): Promise<string> {
  const file = floorInputFile(dataset);
  try {
    await stat(file);
    return file;
  } catch {
    // not cached yet
  }
  const partial = `${file}.partial`;
  const out = await open(partial, 'w');
  try {
    await out.write(COPY_HEADER);
    for await (const line of createInterface({ input: createReadStream(dataset.file), crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      const parsed = JSON.parse(line);
      if (parsed.response?.status_code !== 200) continue;
      const value: number[] | string = parsed.response.body.data[0].embedding;
      const values = typeof value === 'string' ? base64Floats(value) : value;
      await out.write(encodeRow(BigInt(parsed.custom_id), values));
    }
    await out.write(COPY_TRAILER);
  } finally {
    await out.close();
  }
  await rename(partial, file);
  return file;
}
