// delete-files: best-effort removal of API files (vecfill run's uploads, and the output and error files
// it has ingested). A file already gone is fine; any other failure is logged and the run goes on.
import type OpenAI from 'openai';
import { apiError } from './openai.js';

export async function deleteFiles(client: OpenAI, ids: readonly (string | null | undefined)[], log: (line: string) => void): Promise<number> {
  let deleted = 0;
  for (const id of ids) {
    if (!id) continue;
    try {
      await client.files.delete(id);
      deleted++;
    } catch (err) {
      if ((err as { status?: number }).status === 404) continue;
      log(`${apiError(err, `cannot delete file ${id}`).message} (not fatal; delete it yourself, or pass --keep-files)`);
    }
  }
  return deleted;
}
