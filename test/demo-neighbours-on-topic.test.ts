// vecfill demo fills demo_docs through the whole run round trip against the in-process emulator, and
// the neighbours it prints for each shown row are rows of that row's topic, as the table itself says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDatabase } from './helpers/batch.js';
import { run } from './helpers/run.js';

/** The shown rows and the ids printed under each: "#12 [topic] text", then "  0.123  #34 [topic] …". */
function shownNeighbours(stdout: string): Map<string, string[]> {
  const shown = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const row = /^#(\d+) \[/.exec(line);
    const neighbour = /^ {2}\d\.\d{3} {2}#(\d+) \[/.exec(line);
    if (row) shown.set(row[1], (current = []));
    else if (neighbour) current!.push(neighbour[1]);
  }
  return shown;
}

test('vecfill demo fills demo_docs and shows, for one row per topic, neighbours on that topic', async (t) => {
  const db = await freshDatabase(t);
  const r = await run(['demo', '--db', db.url]);
  assert.equal(r.code, 0, r.stderr);

  const { rows: [c] } = await db.sql('SELECT count(*)::int AS rows, count(embedding)::int AS filled, count(DISTINCT topic)::int AS topics FROM demo_docs');
  assert.ok(c.rows >= 2000, `a few thousand texts (${c.rows})`);
  assert.equal(c.filled, c.rows, 'every row holds a vector');
  assert.match(r.stderr, /vecfill demo: run: batch_\w+: ingested, \d+ rows updated/, 'progress on stderr');

  const shown = shownNeighbours(r.stdout);
  const { rows: topics } = await db.sql('SELECT id::text AS id, topic FROM demo_docs');
  const topicOf = new Map(topics.map((x) => [x.id as string, x.topic as string]));
  assert.deepEqual(new Set([...shown.keys()].map((id) => topicOf.get(id))).size, c.topics, `one shown row per topic:\n${r.stdout}`);
  for (const [id, neighbours] of shown) {
    assert.equal(neighbours.length, 5, `row ${id} has its neighbours printed`);
    assert.ok(!neighbours.includes(id), `row ${id} is not its own neighbour`);
    for (const n of neighbours) assert.equal(topicOf.get(n), topicOf.get(id), `neighbour ${n} of row ${id} (${topicOf.get(id)})`);
  }
  assert.match(r.stdout, /vectors are EMULATED .*not a model's/);
});
