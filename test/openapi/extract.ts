// Regenerates the spec extracts beside this file from a checkout of openai/openai-openapi: the schemas
// the emulator's answers are held to, with every schema they $ref, and nothing else of the multi-MB
// spec. Run it when OpenAI updates the spec, then run test/emulator-conformance*.test.ts:
//
//   git clone https://github.com/openai/openai-openapi /tmp/openai-openapi
//   node --import tsx test/openapi/extract.ts /tmp/openai-openapi            # openapi.json at HEAD
//   node --import tsx test/openapi/extract.ts /tmp/openai-openapi <commit>   # or at a given commit
//
// Two sources, because the current spec lost two schemas: openapi.json (OpenAPI 3.1, so JSON Schema
// 2020-12) has every answer's schema but no longer the batch file lines; BatchRequestInput and
// BatchRequestOutput are in the last openapi.yaml of 2025 (OpenAPI 3.0: `nullable`, no type arrays),
// pinned below: the repository dropped that file in June 2025, so it will not change again.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The last commit whose openapi.yaml has BatchRequestInput and BatchRequestOutput (2025-04-29). */
const YAML_COMMIT = '498c71ddf6f1c45b983f972ccabca795da211a3e';

/** The answers the emulator gives and the requests it takes, in openapi.json. */
const CURRENT_ROOTS = [
  'Batch', 'ListBatchesResponse', 'OpenAIFile', 'ListFilesResponse', 'DeleteFileResponse', 'ErrorResponse',
  'CreateEmbeddingResponse', 'CreateEmbeddingRequest', 'CreateBatchRequest', 'CreateFileRequest',
];
const YAML_ROOTS = ['BatchRequestInput', 'BatchRequestOutput'];

/** Operations whose example answers and summaries are kept: the tests cite them as evidence. */
const OPERATIONS: [path: string, method: string][] = [
  ['/batches', 'post'], ['/batches/{batch_id}/cancel', 'post'], ['/files', 'post'], ['/files', 'get'],
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Spec = { openapi: string; info: { version: string }; paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };

const REF = '#/components/schemas/';
const here = dirname(fileURLToPath(import.meta.url));

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** The schemas `roots` name, and every schema they reach through $ref, with refs made local ($defs). */
function closure(spec: Spec, roots: string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  const pending = [...roots];
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (!value.startsWith(REF)) throw new Error(`a $ref outside components/schemas: ${value}`);
        pending.push(value.slice(REF.length));
        copy[key] = `#/$defs/${value.slice(REF.length)}`;
      } else {
        copy[key] = rewrite(value);
      }
    }
    return copy;
  };
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name in out) continue;
    const schema = spec.components.schemas[name];
    if (schema === undefined) throw new Error(`no schema ${name} in the spec`);
    out[name] = rewrite(schema);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function source(repo: string, commit: string, path: string, spec: Spec): Record<string, string> {
  return {
    repository: 'openai/openai-openapi',
    commit,
    committed: git(repo, 'show', '-s', '--format=%cI', commit).trim(),
    path,
    openapi: spec.openapi,
    version: spec.info.version,
    regenerate: 'node --import tsx test/openapi/extract.ts <checkout> [commit]',
  };
}

function write(name: string, value: unknown): void {
  writeFileSync(join(here, name), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote test/openapi/${name}`);
}

const [repo, rev = 'HEAD'] = process.argv.slice(2);
if (!repo) {
  console.error('usage: node --import tsx test/openapi/extract.ts <openai-openapi checkout> [commit]');
  process.exit(2);
}
const commit = git(repo, 'rev-parse', `${rev}^{commit}`).trim();
const current = JSON.parse(git(repo, 'show', `${commit}:openapi.json`)) as Spec;
const operations: Record<string, Json> = {};
for (const [path, method] of OPERATIONS) {
  const op = current.paths[path]?.[method] as { operationId: string; summary?: string; 'x-oaiMeta'?: { examples?: Json } } | undefined;
  if (!op) throw new Error(`no ${method.toUpperCase()} ${path} in the spec`);
  const examples = op['x-oaiMeta']?.examples;
  const first = (Array.isArray(examples) ? examples[0] : examples) as { response?: Json } | undefined;
  operations[op.operationId] = { path, method, summary: op.summary ?? null, exampleResponse: first?.response ?? null };
}
write('openai-openapi.json', {
  $id: `urn:openai-openapi:${commit}:openapi.json`,
  'x-source': source(repo, commit, 'openapi.json', current),
  'x-operations': operations,
  $defs: closure(current, CURRENT_ROOTS),
});

const old = parse(git(repo, 'show', `${YAML_COMMIT}:openapi.yaml`), { maxAliasCount: -1 }) as Spec;
write('openai-openapi-2025.json', {
  $id: `urn:openai-openapi:${YAML_COMMIT}:openapi.yaml`,
  'x-source': source(repo, YAML_COMMIT, 'openapi.yaml', old),
  $defs: closure(old, YAML_ROOTS),
});
writeFileSync(join(here, 'LICENSE'), git(repo, 'show', `${commit}:LICENSE`));
console.log('wrote test/openapi/LICENSE');
