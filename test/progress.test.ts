// Progress on a terminal: bytes, lines and rate, with percent and ETA when the size is known, redrawn
// in place at most twice a second, and cleared at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalProgress } from '../src/cli/progress.js';

function fakeTerminal() {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

test('progress shows bytes, percent, lines, rate and ETA, and clears its line at the end', () => {
  const { writes, stream } = fakeTerminal();
  const p = terminalProgress(stream);
  const MB = 1024 * 1024;
  p.listener({ bytes: 50 * MB, lines: 2500, totalBytes: 200 * MB }, 2);
  assert.equal(writes.length, 1);
  assert.match(writes[0], /^\r/, 'redrawn in place');
  assert.match(writes[0], /50\.0 MB of 200\.0 MB \(25%\)/);
  assert.match(writes[0], /2,500 lines/);
  assert.match(writes[0], /25\.0 MB\/s/);
  assert.match(writes[0], /ETA 6 s/);
  p.listener({ bytes: 60 * MB, lines: 3000, totalBytes: 200 * MB }, 2.1);
  assert.equal(writes.length, 1, 'at most twice a second');
  p.done();
  assert.equal(writes.at(-1), '\r\x1b[K');
});

test('without a known size (stdin), progress shows no percent and no ETA', () => {
  const { writes, stream } = fakeTerminal();
  const p = terminalProgress(stream);
  p.listener({ bytes: 10 * 1024 * 1024, lines: 100, totalBytes: undefined }, 1);
  assert.match(writes[0], /10\.0 MB, 100 lines, 10\.0 MB\/s/);
  assert.doesNotMatch(writes[0], /%|ETA/);
});

test('nothing drawn, nothing cleared', () => {
  const { writes, stream } = fakeTerminal();
  terminalProgress(stream).done();
  assert.equal(writes.length, 0);
});
