// make-texts: writes demo/texts.tsv, the short texts `vecfill demo` embeds. Run it again only to change
// them (node --import tsx demo/make-texts.ts); the file is committed and ships with the package.
//
// Each text is one or two sentences on one of a handful of topics, filled in from that topic's own
// words and sentence patterns by a seeded generator, so the file is the same on every run. The patterns
// hold few words that every topic shares ("the", "with"): under the emulator's bag-of-words vectors a
// text's nearest neighbours are then the texts that share its topic's words. The script checks that
// before it writes, over every text at the demo's 256 dimensions, and says how often it holds.
import { writeFileSync } from 'node:fs';
import { emulatedEmbedding } from '../src/emulator/embedding.js';
import { mulberry32 } from '../src/emulator/random.js';

const PER_TOPIC = 500;
const DIMS = 256;
const SEED = 20240917;

interface Topic {
  name: string;
  /** Words the patterns draw from, by slot: {a} actors, {v} past-tense verbs, {n} things, {q} qualities, {p} places. */
  a: string[];
  v: string[];
  n: string[];
  q: string[];
  p: string[];
  patterns: string[];
}

const TOPICS: Topic[] = [
  {
    name: 'cooking',
    a: ['chef', 'cook', 'baker', 'grandmother', 'sous-chef', 'pastry chef', 'caterer'],
    v: ['simmered', 'roasted', 'seasoned', 'whisked', 'braised', 'kneaded', 'sautéed', 'baked', 'chopped', 'stirred'],
    n: ['garlic', 'onions', 'tomato sauce', 'risotto', 'bread dough', 'butter', 'basil', 'lentil soup', 'pasta', 'pie crust', 'olive oil', 'roast chicken', 'pepper', 'thyme'],
    q: ['crisp', 'tender', 'savoury', 'golden', 'spicy', 'creamy', 'fragrant'],
    p: ['kitchen', 'oven', 'skillet', 'stockpot', 'bakery', 'cast-iron pan'],
    patterns: [
      'The {a} {v} {n} and {n} in a {p}.',
      '{n} {v} slowly with {n} turns {q} and {q}.',
      'A {q} recipe: {v} {n}, add {n}, season with {n}.',
      'Our {a} {v} {n} in the {p} until {q}. Serve with {n}.',
      'Heat {n} in a {p}, add {n} and {n}, then simmer until {q}.',
    ],
  },
  {
    name: 'astronomy',
    a: ['astronomer', 'telescope', 'observatory', 'stargazer', 'space probe', 'astrophysicist'],
    v: ['observed', 'photographed', 'measured', 'tracked', 'detected', 'mapped', 'orbited', 'eclipsed'],
    n: ['galaxy', 'nebula', 'comet', 'supernova', 'Jupiter', 'Saturn rings', 'exoplanet', 'meteor shower', 'black hole', 'quasar', 'moon craters', 'starlight', 'Milky Way', 'pulsar'],
    q: ['distant', 'faint', 'luminous', 'redshifted', 'orbital', 'stellar', 'cosmic'],
    p: ['night sky', 'orbit', 'southern hemisphere', 'observatory dome', 'deep space', 'solar system'],
    patterns: [
      'The {a} {v} a {q} {n} in the {p}.',
      '{q} {n} {v} near a {n}, light years across the {p}.',
      'Through a lens, the {a} {v} {n} and a {q} {n}.',
      'A {q} {n} was {v} in the {p}. Astronomers expect more {n}.',
      'Tonight the {n} crosses the {p}; a {a} {v} its {q} {n}.',
    ],
  },
  {
    name: 'football',
    a: ['striker', 'goalkeeper', 'midfielder', 'referee', 'coach', 'defender', 'winger', 'captain'],
    v: ['scored', 'tackled', 'dribbled', 'crossed', 'saved', 'headed', 'passed', 'booked'],
    n: ['penalty', 'free kick', 'corner', 'header', 'offside goal', 'yellow card', 'equaliser', 'hat-trick', 'clean sheet', 'volley', 'league title', 'cup final', 'counterattack'],
    q: ['late', 'stoppage-time', 'decisive', 'brilliant', 'controversial', 'defensive', 'attacking'],
    p: ['stadium', 'pitch', 'penalty box', 'league table', 'derby', 'second half'],
    patterns: [
      'The {a} {v} a {q} {n} in the {p}.',
      'A {q} {n} from the {a} decided the {p} match.',
      'Their {a} {v} twice; the {a} {v} a {n} before the {p} ended.',
      'After a {q} {n}, the {a} {v} the {n} into the {p}.',
      'Fans in the {p} cheered a {q} {n} and a {n}. The {a} {v} again.',
    ],
  },
  {
    name: 'gardening',
    a: ['gardener', 'allotment holder', 'nursery grower', 'beekeeper', 'horticulturist', 'landscaper'],
    v: ['pruned', 'planted', 'watered', 'mulched', 'weeded', 'repotted', 'sowed', 'harvested', 'composted'],
    n: ['roses', 'tomato seedlings', 'tulip bulbs', 'compost', 'hedges', 'lavender', 'courgettes', 'potting soil', 'fruit trees', 'perennials', 'seed trays', 'herbs', 'raised beds', 'manure'],
    q: ['shady', 'fertile', 'flowering', 'drought-tolerant', 'hardy', 'sunny', 'frost-free'],
    p: ['greenhouse', 'allotment', 'vegetable patch', 'flower border', 'garden shed', 'orchard'],
    patterns: [
      'The {a} {v} {n} and {n} in the {p}.',
      'Freshly {v} {n} in {q} soil, and {n} kept {q} all summer.',
      'In spring the {a} {v} {n} along the {p}.',
      'A {q} {p} needs {n}, {n} and regular watering. Prune the {n} in autumn.',
      'Our {a} {v} {n}, then {v} the {n} by the {p}.',
    ],
  },
  {
    name: 'databases',
    a: ['database administrator', 'query planner', 'developer', 'replica', 'DBA', 'backend engineer'],
    v: ['indexed', 'vacuumed', 'partitioned', 'replicated', 'migrated', 'queried', 'normalised', 'committed', 'joined'],
    n: ['table', 'B-tree index', 'transaction', 'foreign key', 'SQL query', 'primary key', 'schema', 'write-ahead log', 'row lock', 'column', 'deadlock', 'query plan', 'materialized view', 'connection pool'],
    q: ['slow', 'concurrent', 'relational', 'sequential', 'isolated', 'consistent', 'composite'],
    p: ['PostgreSQL', 'production cluster', 'schema migration', 'data warehouse', 'primary server', 'staging database'],
    patterns: [
      'The {a} {v} the {n} and the {n} in {p}.',
      'A {q} {n} on the {n} made the {n} fast again.',
      'In {p}, every {n} stays {q}; the {a} {v} the {n}.',
      'We {v} {q} {n} across the {p}. The {n} stayed {q}.',
      'The {a} found a {q} {n}, added a {n}, and {v} the {n}.',
    ],
  },
  {
    name: 'sailing',
    a: ['skipper', 'crew', 'helmsman', 'yachtsman', 'navigator', 'deckhand', 'sailor'],
    v: ['tacked', 'reefed', 'hoisted', 'anchored', 'moored', 'jibed', 'trimmed', 'navigated', 'capsized'],
    n: ['mainsail', 'jib', 'spinnaker', 'keel', 'rudder', 'tiller', 'mooring line', 'anchor chain', 'halyard', 'headwind', 'sea breeze', 'tide', 'lifejackets', 'compass'],
    q: ['gusty', 'choppy', 'leeward', 'windward', 'calm', 'stormy', 'nautical'],
    p: ['harbour', 'marina', 'open sea', 'yacht', 'dinghy', 'regatta course', 'bay'],
    patterns: [
      'The {a} {v} the {n} and the {n} in the {p}.',
      'A {q} {n} pushed the {p} off the {n}; the {a} {v}.',
      'Leaving the {p}, the {a} {v} the {n} in {q} wind.',
      'The {a} {v} near the {p} to check the {n}. {q} seas and a {n} ahead.',
      'With the {n} {v} and the {n} trimmed, the {p} ran before a {q} {n}.',
    ],
  },
];


const rand = mulberry32(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];

function sentence(topic: Topic): string {
  const text = pick(topic.patterns).replace(/\{([avnqp])\}/g, (_, slot: 'a' | 'v' | 'n' | 'q' | 'p') => pick(topic[slot]));
  // A pattern may start with a slot: its sentence starts with a capital all the same.
  return text
    .replace(/\b([Aa]) ([aeiouAEIOU])/g, '$1n $2')
    .replace(/(^|\. )([a-z])/g, (_, before: string, c: string) => before + c.toUpperCase());
}

// Topics take turns, so the first N rows (vecfill demo --rows N) hold every topic alike.
const rows: { topic: string; text: string }[] = [];
const seen = new Set<string>();
while (rows.length < PER_TOPIC * TOPICS.length) {
  const topic = TOPICS[rows.length % TOPICS.length];
  const text = rand() < 0.3 ? `${sentence(topic)} ${sentence(topic)}` : sentence(topic);
  if (seen.has(text)) continue; // each text once: a copy would be its own nearest neighbour
  seen.add(text);
  rows.push({ topic: topic.name, text });
}

// The check: how many texts have only same-topic texts among their 5 nearest, by cosine.
const K = 5;
const vectors = rows.map((r) => emulatedEmbedding(r.text, DIMS));
let onTopic = 0;
for (let i = 0; i < rows.length; i++) {
  const best: { d: number; j: number }[] = [];
  for (let j = 0; j < rows.length; j++) {
    if (j === i) continue;
    let dot = 0;
    for (let k = 0; k < DIMS; k++) dot += vectors[i][k] * vectors[j][k];
    const d = 1 - dot;
    if (best.length < K || d < best[K - 1].d) {
      best.push({ d, j });
      best.sort((x, y) => x.d - y.d);
      best.length = Math.min(best.length, K);
    }
  }
  if (best.every((b) => rows[b.j].topic === rows[i].topic)) onTopic++;
}

const out = new URL('./texts.tsv', import.meta.url);
writeFileSync(out, 'topic\ttext\n' + rows.map((r) => `${r.topic}\t${r.text}\n`).join(''));
process.stderr.write(`wrote ${rows.length} texts on ${TOPICS.length} topics; ${onTopic} (${(100 * onTopic / rows.length).toFixed(1)}%) ` +
  `have only same-topic texts among their ${K} nearest at ${DIMS} dimensions\n`);
