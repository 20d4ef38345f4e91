// progress: bytes, lines and rate on stderr while a long ingest runs, redrawn in place at most twice a
// second; percent and ETA when the input's size is known. Only on a terminal: logs stay clean.
import type { ProgressListener } from '../ingest/progress.js';
import { count } from './format.js';

const MB = 1024 * 1024;

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): { listener: ProgressListener; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    listener(c, seconds) {
      const now = Date.now();
      if (now - last < 500) return;
      last = now;
      const rate = seconds > 0 ? c.bytes / MB / seconds : 0;
      let text = `ingest: ${(c.bytes / MB).toFixed(1)} MB`;
      if (c.totalBytes) {
        const pct = Math.min(100, (100 * c.bytes) / c.totalBytes);
        const eta = rate > 0 ? (c.totalBytes - c.bytes) / MB / rate : 0;
        text += ` of ${(c.totalBytes / MB).toFixed(1)} MB (${pct.toFixed(0)}%)`;
        text += `, ${count(c.lines)} lines, ${rate.toFixed(1)} MB/s, ETA ${eta.toFixed(0)} s`;
      } else {
        text += `, ${count(c.lines)} lines, ${rate.toFixed(1)} MB/s`;
      }
      stream.write(`\r${text}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
