// OpenAI's published schemas (test/openapi/: extracts of openai/openai-openapi, with its licence and
// the commits they came from), compiled with Ajv. `check(name, value)` holds a value to the schema as
// published and returns every mismatch, but for the few places where OpenAI's own answers differ
// from its schemas (DEVIATIONS, each with its evidence): those are returned apart, so a test can say
// which it met. `accepts(name, value)` asks the spec, strictly, whether a request is valid.
//
// openapi.json is OpenAPI 3.1, whose schemas are JSON Schema 2020-12: Ajv2020 takes them as they are.
// The 2025 openapi.yaml (BatchRequestInput, BatchRequestOutput) is OpenAPI 3.0, whose schemas differ
// in one keyword that matters here, `nullable: true` (type or null); Ajv implements it as OpenAPI 3.0
// defines it. The spec's own annotations (x-oaiMeta, example, …) are declared as such, and its
// formats checked: a keyword or format the next extract brings that is not known here fails loudly.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

type Schema = Record<string, unknown> & { properties?: Record<string, unknown> };
interface Extract {
  $id: string;
  'x-source': { commit: string; path: string };
  'x-operations'?: Record<string, { summary: string | null; exampleResponse: string | null }>;
  $defs: Record<string, Schema>;
}

const load = (name: string): Extract => JSON.parse(readFileSync(new URL(`../openapi/${name}`, import.meta.url), 'utf8'));
export const CURRENT = load('openai-openapi.json');
export const BATCH_LINES_2025 = load('openai-openapi-2025.json');

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictTuples: false });
// The spec's annotations, and the extract's own (where it came from, the operations it cites).
ajv.addVocabulary(['example', 'x-oaiMeta', 'x-oaiTypeLabel', 'x-stainless-const', 'x-source', 'x-operations']);
ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
ajv.addFormat('binary', true); // a file's bytes in a multipart request; never in an answer
ajv.addSchema(CURRENT);
ajv.addSchema(BATCH_LINES_2025);

/** A place where OpenAI's answers differ from its published schema, and why we know. */
export interface Deviation {
  schema: string;
  property: string;
  /** What the API sends there that the schema does not allow. */
  sends: string;
  accepts: (value: unknown) => boolean;
  why: string;
}

const BATCH_UNSET = ['errors', 'output_file_id', 'error_file_id', 'in_progress_at', 'finalizing_at', 'completed_at', 'failed_at', 'expired_at', 'cancelling_at', 'cancelled_at'];

export const DEVIATIONS: Deviation[] = [
  ...BATCH_UNSET.map((property) => ({
    schema: 'Batch', property, sends: 'null', accepts: (v: unknown) => v === null,
    why: "typed as a string, integer or object, not nullable; an unset one is null in OpenAI's answers, as the spec's own example answers (createBatch, cancelBatch) show",
  })),
  ...['first_id', 'last_id'].map((property) => ({
    schema: 'ListFilesResponse', property, sends: 'null', accepts: (v: unknown) => v === null,
    why: 'required, and typed as a string; an empty page has no first or last id, and the API sends null for them, as on its other cursor lists',
  })),
  {
    schema: 'Embedding', property: 'embedding', sends: 'a base64 string', accepts: (v) => typeof v === 'string',
    why: "typed as an array of floats; with encoding_format 'base64' (CreateEmbeddingRequest) the API sends the float32 bytes as a base64 string, which the SDK decodes",
  },
  {
    schema: 'OpenAIFile', property: 'purpose', sends: "'evals'", accepts: (v) => v === 'evals',
    why: "CreateFileRequest takes purpose 'evals', but OpenAIFile's enum lacks it; a file is served with the purpose it was uploaded with",
  },
];

function validator(name: string) {
  const extract = name in CURRENT.$defs ? CURRENT : BATCH_LINES_2025;
  const validate = ajv.getSchema(`${extract.$id}#/$defs/${name}`);
  if (!validate) throw new Error(`no schema ${name} in test/openapi`);
  return validate;
}

/** The deviation an error is, if it is one: the error is on that very property schema, for that value. */
function deviationOf(error: ErrorObject): Deviation | undefined {
  return DEVIATIONS.find((d) => {
    const extract = d.schema in CURRENT.$defs ? CURRENT : BATCH_LINES_2025;
    return error.parentSchema === extract.$defs[d.schema].properties?.[d.property] && d.accepts(error.data);
  });
}

/** How `value` departs from the schema `name`: `problems` (anything not a known deviation) and the
 *  known deviations it shows. */
export function check(name: string, value: unknown): { problems: string[]; deviations: Deviation[] } {
  const validate = validator(name);
  if (validate(value)) return { problems: [], deviations: [] };
  const problems: string[] = [];
  const deviations = new Set<Deviation>();
  for (const error of validate.errors ?? []) {
    const deviation = deviationOf(error);
    if (deviation) deviations.add(deviation);
    else problems.push(`${error.instancePath || '/'} ${error.message} (${error.schemaPath}; got ${JSON.stringify(error.data)?.slice(0, 80)})`);
  }
  return { problems, deviations: [...deviations] };
}

/** Whether the spec, strictly, takes `value` as a `name` (a request). */
export function accepts(name: string, value: unknown): boolean {
  return validator(name)(value) as boolean;
}
