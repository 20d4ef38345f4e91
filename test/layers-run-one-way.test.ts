// The layers run one way (DESIGN.md): cli → batch → ingest → db. A module imports only from its own
// layer or one below; errors.ts stands beside them all and imports none of them; index.ts (the library)
// may import any layer but the CLI. The emulator (the local Batch API of vecfill emulate) stands beside
// the layers too: it imports none of them, and only the CLI imports it, so the code under test never
// leans on the server it is tested against. Walks every import of src/, type-only ones included.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

const SRC = join(ROOT, 'src');
const RANK: Record<string, number> = { db: 0, ingest: 1, batch: 2, cli: 3 };

/** The layer of a file under src/: its top folder, or the file itself at the top (errors, index). */
function layerOf(file: string): string {
  const [top, ...rest] = relative(SRC, file).split('/');
  return rest.length ? top : top.replace(/\.ts$/, '');
}

function allowed(from: string, to: string): boolean {
  if (to === 'emulator') return from === 'cli' || from === 'emulator';
  if (to === 'errors') return true;
  if (from === 'errors') return false;
  if (from === 'index') return to !== 'cli';
  if (to === 'index') return false;
  if (!(from in RANK) || !(to in RANK)) return from === to; // a folder outside the layers keeps to itself
  return RANK[to] <= RANK[from];
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('no module of src/ imports from a layer above its own', async () => {
  const upward: string[] = [];
  let imports = 0;
  for (const file of await sources(SRC)) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      imports++;
      const [from, to] = [layerOf(file), layerOf(target)];
      if (!allowed(from, to)) upward.push(`${relative(ROOT, file)} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.ok(imports > 100, `the walk found the imports (${imports})`);
  assert.deepEqual(upward, [], 'imports that run up a layer');
});

test('the check itself: an upward import is caught', () => {
  assert.equal(allowed('db', 'ingest'), false);
  assert.equal(allowed('batch', 'cli'), false);
  assert.equal(allowed('errors', 'db'), false);
  assert.equal(allowed('cli', 'db'), true);
  assert.equal(allowed('ingest', 'errors'), true);
  assert.equal(allowed('batch', 'emulator'), false);
  assert.equal(allowed('index', 'emulator'), false);
  assert.equal(allowed('emulator', 'db'), false);
  assert.equal(allowed('emulator', 'index'), false);
  assert.equal(allowed('cli', 'emulator'), true);
});
