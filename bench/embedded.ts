// The embedded path: `vecfill ingest --db pglite:DIR` of the same generated files, timed as the other
// approaches are (a child process under GNU time: wall time and peak RSS). Each run gets a fresh copy
// of a database directory whose table was built beforehand, untimed (initdb and the table's rows are
// not the ingest's work). Whether memory stays flat shows across sizes: run it at 20,000 and 100,000.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { useDb } from '../src/db/open.js';
import { ensureDataset } from './generate.js';
import { measure } from './measure.js';
import { outDir, repoDir } from './paths.js';
import { peakBy, sampleRss } from './rss-sampler.js';
import { verify } from './verify.js';

const USAGE = `usage: npm run bench:embedded -- [--rows N[,N…]] [--dims N] [--format float|base64] [--runs N]
  ingests each dataset into a fresh PGlite directory with the built CLI (dist/); reports wall time
  and peak RSS per run (defaults: --rows 20000 --dims 1536 --format float --runs 1)`;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    dims: { type: 'string', default: '1536' },
    format: { type: 'string', default: 'float' },
    runs: { type: 'string', default: '1' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const format = values.format === 'base64' ? 'base64' : 'float';
const dims = Number(values.dims);
const runs = Number(values.runs);
const log = (line: string) => void process.stderr.write(`${line}\n`);
const TABLE = 'bench_docs';
const work = join(outDir, 'embedded');
await mkdir(work, { recursive: true });

console.log('| rows | input | wall | rows/s | peak RSS | peak RSS by half time | phases (stage / apply / commit) |');
console.log('|---|---|---|---|---|---|---|');
for (const rows of values.rows.split(',').map(Number)) {
  const dataset = await ensureDataset({ rows, dims, format, errorShare: 0.005, seed: 1 });
  const template = join(work, `template-${rows}-${dims}`);
  await rm(template, { recursive: true, force: true });
  log(`building ${template} (initdb and ${rows} rows: untimed)`);
  await useDb(`pglite:${template}`, async (db) => {
    await db.exec(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, body text, embedding vector(${dims}))`);
    await db.query(`INSERT INTO ${TABLE} (id, body) SELECT i, repeat(md5(i::text), 8) FROM generate_series(1, $1::bigint) AS i`, [rows]);
    await db.query(`VACUUM ANALYZE ${TABLE}`);
    await db.query('CHECKPOINT');
  });
  for (let round = 1; round <= runs; round++) {
    const dir = join(work, `run-${rows}-${dims}`);
    await rm(dir, { recursive: true, force: true });
    await cp(template, dir, { recursive: true });
    const rss = sampleRss(`pglite:${dir}`, 'run.js');
    const m = await measure(
      { argv: [process.execPath, 'dist/cli/run.js', 'ingest', '--db', `pglite:${dir}`, '--table', TABLE, '--quiet', '--json', dataset.file] },
      { cwd: repoDir, scratchDir: join(outDir, 'tmp'), timeoutMs: 1800_000 },
    );
    const samples = rss.stop();
    const half = peakBy(samples, m.wallMs / 2);
    if (m.exitCode !== 0 && m.exitCode !== 3) throw new Error(`ingest exited ${m.exitCode ?? m.signal}: ${m.stderr.slice(-2000)}`);
    const s = JSON.parse(m.stdout);
    const problems = await useDb(`pglite:${dir}`, (db) => verify(db as unknown as pg.Client, TABLE, dataset));
    if (problems.length) throw new Error(`wrong result: ${problems.join('; ')}`);
    const p = s.phases;
    console.log(`| ${rows.toLocaleString('en')} | ${(dataset.bytes / 2 ** 20).toFixed(0)} MB ${format} | ${(m.wallMs / 1000).toFixed(1)} s | ` +
      `${Math.round(s.rowsUpdated / (m.wallMs / 1000)).toLocaleString('en')} | ${((m.peakRssKb ?? 0) / 1024).toFixed(0)} MB | ${(half / 1024).toFixed(0)} MB | ` +
      `${p.stage.toFixed(1)} / ${p.apply.toFixed(1)} / ${p.commit.toFixed(1)} s |`);
    await rm(dir, { recursive: true, force: true });
  }
  await rm(template, { recursive: true, force: true });
}
