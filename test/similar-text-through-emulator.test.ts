// vecfill similar --text embeds the text through the API (here the emulator, through the official
// SDK, with OPENAI_BASE_URL; or in-process with --emulated) at the column's size, and ranks the rows
// by their cosine distance to exactly that vector.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatedEmbedding, startEmulator } from '../src/emulator/index.js';
import { API_KEY, freshDatabase } from './helpers/batch.js';
import { run } from './helpers/run.js';

const TEXTS = ['the cat sat on the mat', 'dogs bark at the mailman', 'quarterly revenue grew in Europe', 'a cat and a mat'];
const DIMS = 64;

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return 1 - dot / Math.sqrt(na * nb);
}

test('similar --text ranks rows by distance to the text\'s embedding, through the API or --emulated', async (t) => {
  const db = await freshDatabase(t);
  await db.sql(`CREATE TABLE docs (id bigint PRIMARY KEY, body text, embedding vector(${DIMS}))`);
  // A row a statement: PGlite sends a JS array parameter without quoting its elements.
  for (const [i, x] of TEXTS.entries()) {
    await db.sql('INSERT INTO docs VALUES ($1, $2, $3::vector)', [i + 1, x, `[${emulatedEmbedding(x, DIMS).join(',')}]`]);
  }
  const emulator = await startEmulator();
  t.after(() => emulator.close());

  const query = 'Where is the cat? On the mat.';
  const q = emulatedEmbedding(query, DIMS);
  const expected = TEXTS.map((x, i) => ({ id: String(i + 1), d: cosineDistance(q, emulatedEmbedding(x, DIMS)) })).sort((a, b) => a.d - b.d);
  const args = ['similar', '--db', db.url, '--table', 'docs', '--text', query, '-k', '3', '--json'];

  const viaApi = await run(args, '', { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.baseURL });
  assert.equal(viaApi.code, 0, viaApi.stderr);
  const got = JSON.parse(viaApi.stdout).neighbours as { id: string; distance: number }[];
  assert.deepEqual(got.map((n) => n.id), expected.slice(0, 3).map((e) => e.id));
  for (const [i, n] of got.entries()) assert.ok(Math.abs(n.distance - expected[i].d) < 1e-5, `distance of ${n.id}: ${n.distance} vs ${expected[i].d}`);
  const asked = emulator.state.requests.filter((r) => r.path === '/v1/embeddings');
  assert.equal(asked.length, 1, 'one call to the embeddings endpoint');

  const emulated = await run([...args, '--emulated'], '', { OPENAI_API_KEY: '' });
  assert.equal(emulated.code, 0, emulated.stderr);
  assert.deepEqual(JSON.parse(emulated.stdout), JSON.parse(viaApi.stdout), '--emulated gives the same, with no key');

  const tooWide = await run([...args, '--dimensions', '128', '--emulated']);
  assert.equal(tooWide.code, 1);
  assert.match(tooWide.stderr, /column public\.docs\.embedding is vector\(64\) but text-embedding-3-small returns 128 dimensions/);
});
