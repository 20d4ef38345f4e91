// delete-files: best-effort removal of API files (vecfill run's uploads, and the output and error files
// it has ingested). A file already gone is fine; a failure that outlasts the retries is logged and the
// run goes on: a file left behind costs storage, never a wrong row.
import type { BatchApi } from './api.js';

export async function deleteFiles(api: BatchApi, ids: readonly (string | null | undefined)[], log: (line: string) => void): Promise<number> {
  let deleted = 0;
  for (const id of ids) {
    if (!id) continue;
    try {
      if (await api.deleteFile(id)) deleted++;
    } catch (err) {
      api.retry.signal?.throwIfAborted();
      log(`${(err as Error).message} (not fatal; delete it yourself, or pass --keep-files)`);
    }
  }
  return deleted;
}
