// One vocabulary of batch states (src/batch/states.ts): no other file of src/ or sql/ spells a batch
// status; the SQL takes the lists as parameters. And the lists agree with each other. The emulator
// (src/emulator) is the exception: it stands for the API, the other side of the wire, and spells the
// API's states on its own, so that a mistake in states.ts cannot hide by being shared with it.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import {
  ENQUEUED_STATUSES, FINAL_STATUSES, HOLDING_STATUSES, IN_FLIGHT_STATUSES, INGESTABLE_STATUSES, isFinal, isInFlight,
} from '../src/batch/states.js';
import { ROOT } from './helpers/cli.js';

const ALL = [...IN_FLIGHT_STATUSES, ...FINAL_STATUSES];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(path)));
    else if (/\.(ts|sql)$/.test(e.name)) out.push(path);
  }
  return out;
}

test('no file but states.ts spells a batch status', async () => {
  const literal = new RegExp(`'(${ALL.join('|')})'`);
  const found: string[] = [];
  for (const file of [...(await files(join(ROOT, 'src'))), ...(await files(join(ROOT, 'sql')))]) {
    if (file.endsWith(join('batch', 'states.ts')) || file.startsWith(join(ROOT, 'src', 'emulator'))) continue;
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (!line.trim().startsWith('//') && !line.trim().startsWith('--') && literal.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

test('the lists agree: every status is in flight or final, never both; the others are subsets', () => {
  assert.equal(new Set(ALL).size, 8);
  for (const s of ALL) assert.notEqual(isFinal(s), isInFlight(s), s);
  for (const s of ENQUEUED_STATUSES) assert.ok(isInFlight(s), s);
  for (const s of INGESTABLE_STATUSES) assert.ok(isFinal(s), s);
  assert.deepEqual([...HOLDING_STATUSES].sort(), ALL.filter((s) => s !== 'failed').sort());
});
