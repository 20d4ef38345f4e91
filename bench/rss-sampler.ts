// The RSS of a running child, sampled from /proc every 250 ms: GNU time gives only the peak, and a
// peak says nothing of whether memory stopped growing early (flat) or kept growing with the input.
import { readdir, readFile } from 'node:fs/promises';

export interface RssSample {
  /** ms since sampling started */
  t: number;
  kb: number;
}

/** Samples every process whose command line holds all of `markers` until stop() is called. */
export function sampleRss(...markers: string[]): { stop(): RssSample[] } {
  const started = performance.now();
  const samples: RssSample[] = [];
  const timer = setInterval(async () => {
    for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!markers.every((m) => cmd.includes(m))) continue;
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      samples.push({ t: performance.now() - started, kb });
    }
  }, 250);
  return { stop: () => (clearInterval(timer), samples) };
}

/** The highest sample taken up to `ms`: equal to the run's peak means memory stopped growing by then. */
export const peakBy = (samples: RssSample[], ms: number): number =>
  Math.max(0, ...samples.filter((x) => x.t <= ms).map((x) => x.kb));
