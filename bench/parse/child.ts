// One parser over one file, in this process, timed from the first read to the last number: start-up
// and loading code are left out, so the figures compare the parsers alone. Prints one JSON line.
// usage: node --import tsx bench/parse/child.ts NAME FILE
import { parseApproaches } from './approaches.js';
import { Tally } from './tally.js';

const [name, file] = process.argv.slice(2);
const approach = parseApproaches.find((a) => a.name === name);
if (!approach) throw new Error(`no parser named ${name}`);
const tally = new Tally();
const cpu = process.cpuUsage();
const started = performance.now();
try {
  await approach.parse(file, tally);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err)); // one line for the table's notes
  process.exit(1);
}
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, ...tally }));
