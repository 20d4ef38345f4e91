// The node baselines run as plain JavaScript, like vecfill runs from dist/: loading them through
// tsx would add ~0.13 s and ~40 MB of RSS to every run and blur the comparison. TypeScript's
// transpileModule is enough (one file at a time, no type check: `npm run typecheck` does that).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { benchDir, outDir } from './paths.js';

/** The baseline programs and the bench modules they import, relative to bench/. */
const SOURCES = ['approaches/script.ts', 'approaches/stream.ts', 'copy-binary.ts', 'ident.ts'];
export const compiledDir = join(outDir, 'js');

let done: Promise<void> | undefined;

export function compileBaselines(): Promise<void> {
  done ??= (async () => {
    for (const source of SOURCES) {
      const { outputText } = ts.transpileModule(await readFile(join(benchDir, source), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: source,
      });
      const target = join(compiledDir, source.replace(/\.ts$/, '.js'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, outputText);
    }
  })();
  return done;
}
