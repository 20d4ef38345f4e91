// The embedded database of one test file: a fresh directory copied from a template made once per
// machine and PGlite version (initdb and CREATE EXTENSION cost ~5 s; a copy of the directory ~0.15 s).
// The template is built in a directory of its own and renamed into place, so two test files that
// start at once never see half of one: the loser of the race throws its copy away.
import { chmod, chown, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { cpSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/db/open.js';

// Read from the installed package itself: PGlite's exports do not include its package.json.
const version = (pkg: string): string =>
  (JSON.parse(readFileSync(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;

/** One template per PGlite and pgvector build: a newer one gets a directory of its own. */
const TEMPLATE = join(tmpdir(), `vecfill-test-pglite-${version('@electric-sql/pglite')}-vector-${version('@electric-sql/pglite-pgvector')}`);

const exists = (path: string) => stat(path).then(() => true, () => false);

async function template(): Promise<string> {
  if (await exists(TEMPLATE)) return TEMPLATE;
  const building = await mkdtemp(`${TEMPLATE}.building-`);
  try {
    const db = await openDb(`pglite:${building}`);
    try {
      await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
    } finally {
      await db.close();
    }
    await rename(building, TEMPLATE);
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    // Another file renamed its template into place first (rename onto a non-empty directory fails).
    if (!(await exists(TEMPLATE))) throw err;
  }
  return TEMPLATE;
}

export interface PgliteDirectory {
  dir: string;
  /** Makes the directory another user's (root can still open it after). */
  giveTo(uid: number, gid: number): Promise<void>;
  remove(): Promise<void>;
}

/** A new database directory for this process, copied from the template. */
export async function freshPgliteDirectory(): Promise<PgliteDirectory> {
  const from = await template();
  const parent = await mkdtemp(join(tmpdir(), 'vecfill-test-db-'));
  const dir = join(parent, 'pglite');
  // The synchronous copy: ~3x faster than fs.promises.cp over the directory's ~1,000 small files,
  // and nothing else runs in this process while a test file loads.
  cpSync(from, dir, { recursive: true });
  return {
    dir,
    giveTo: async (uid, gid) => {
      await chmod(parent, 0o755);
      await chownTree(dir, uid, gid);
    },
    remove: () => rm(parent, { recursive: true, force: true }),
  };
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  if ((await stat(path)).isDirectory()) for (const name of await readdir(path)) await chownTree(join(path, name), uid, gid);
}
