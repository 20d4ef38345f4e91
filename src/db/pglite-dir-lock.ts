// pglite-dir-lock: one process at a time in a PGlite directory. PGlite runs the whole server inside the
// process and takes no lock of its own (no postmaster.pid): two processes in one directory would each
// replay and write the same files, and corrupt them. So the first process writes its pid to a lock
// file, created exclusively (O_EXCL); a second one is refused with the holder's pid. A lock whose pid
// is no longer alive (a process killed, a machine restarted) is stale and taken over.
import { openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectError } from '../errors.js';

const LOCK_FILE = 'vecfill.lock';

/** Takes the directory's lock for this process; returns its release. Throws ConnectError if another
 *  living process holds it. */
export function lockDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      let holder = readPid(path);
      if (holder === null && attempt === 0) {
        // Created a moment ago and its pid not written yet, perhaps: look again before calling it stale.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        holder = readPid(path);
      }
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        throw new ConnectError(
          `the embedded database ${dir} is in use by process ${holder}: only one process at a time can open a PGlite directory. ` +
            `Wait for it to end, or stop it (if process ${holder} is not vecfill, its lock is stale: remove ${path})`,
        );
      }
      // Stale (or unreadable, half-written by a process that died at once): take it over.
      try { unlinkSync(path); } catch { /* another process took it over first: try again */ }
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      // Only our own lock: never one a later process took over.
      if (readPid(path) === process.pid) try { unlinkSync(path); } catch { /* gone already */ }
    };
    // A process that exits without closing the database (process.exit, an uncaught error) still frees it.
    process.on('exit', release);
    return release;
  }
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}
