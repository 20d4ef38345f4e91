// A file of nasty cases: every line is either applied bit-exact or rejected with its reason, its line
// number and its custom_id (when known) in the --rejects file; the run exits 3 and the summary counts the
// rejects by reason. The rows of rejected lines keep their NULL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createTable, DB_URL, dropTable, storedVector, tableName } from './helpers/db.js';
import { run } from './helpers/run.js';
import { base64Of, httpErrorLine, notExecutedLine, okLine } from './helpers/output.js';
import { readRejects, tempDir, type RejectLine } from './helpers/files.js';

interface Case {
  line: string;
  /** Applied: the float32 values the row must hold. */
  applied?: { id: number; values: number[] };
  /** Rejected: the record the rejects file must hold for it. */
  rejected?: { code: string; custom_id?: string; reason?: (RegExp | string)[] };
}

/** An output line whose response body is spliced in as raw JSON. */
function bodyLine(customId: string, body: string): string {
  return `{"id":"batch_req_x","custom_id":${JSON.stringify(customId)},"response":{"status_code":200,"request_id":"r","body":${body}},"error":null}`;
}

test('every nasty line is applied bit-exact or rejected with its reason and line number', async (t) => {
  const table = tableName('nasty');
  const ids = Array.from({ length: 30 }, (_, k) => k + 1);
  await createTable(table, ids, 'vector(3)');
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const column = `public.${table}.embedding`;
  const withoutCustomId = okLine('0', [1, 2, 3]).replace(/"custom_id":"0",/, '');
  assert.ok(!withoutCustomId.includes('custom_id'));

  const cases: Case[] = [
    { line: okLine('1', { raw: '[0.1,-5.3660897e-05,3]' }), applied: { id: 1, values: [0.1, -5.3660897e-05, 3] } },
    { line: '{"id":"batch_req_1","custom_id":"2","response":{"status_code":200', rejected: { code: 'malformed_json' } },
    { line: withoutCustomId, rejected: { code: 'missing_custom_id' } },
    { line: httpErrorLine('3', 400, 'This model\'s maximum context length is 8192 tokens'),
      rejected: { code: 'http_error', custom_id: '3', reason: ["This model's maximum context length is 8192 tokens"] } },
    { line: notExecutedLine('4', 'batch_expired'), rejected: { code: 'batch_expired', custom_id: '4', reason: ['batch_expired'] } },
    { line: notExecutedLine('5', 'batch_cancelled'), rejected: { code: 'batch_cancelled', custom_id: '5', reason: ['batch_cancelled'] } },
    // The largest float32, an underflow to -0, an integer, and the API's exponent form.
    { line: okLine('6', { raw: '[3.4028235e38, -1e-46, 65520]' }), applied: { id: 6, values: [3.4028235e38, -1e-46, 65520] } },
    { line: okLine('7', [0.5, 0.25]),
      rejected: { code: 'dimension_mismatch', custom_id: '7', reason: [column, 'vector(3)', /\b2 values/] } },
    { line: okLine('8', [1, 2, 3, 4]),
      rejected: { code: 'dimension_mismatch', custom_id: '8', reason: [column, 'vector(3)', /\b4 values/] } },
    { line: okLine('9', new Array(3072).fill(0.01)),
      rejected: { code: 'dimension_mismatch', custom_id: '9', reason: [column, 'vector(3)', /\b3072 values/, 'text-embedding-3-large'] } },
    { line: okLine('10', { raw: '[1,null,3]' }), rejected: { code: 'not_a_number', custom_id: '10', reason: ['null'] } },
    { line: okLine('11', { raw: '[1,"2",3]' }), rejected: { code: 'not_a_number', custom_id: '11' } },
    { line: okLine('12', { raw: '[1,1e999,3]' }), rejected: { code: 'not_finite', custom_id: '12', reason: [/finite/] } },
    { line: okLine('13', { raw: '[1,2,3.5e38]' }), rejected: { code: 'not_finite', custom_id: '13', reason: [/finite/] } },
    { line: okLine('14', base64Of([0.75, -0.125, 1e-40])), applied: { id: 14, values: [0.75, -0.125, 1e-40] } },
    { line: bodyLine('15', '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,2,3]},' +
        '{"object":"embedding","index":1,"embedding":[4,5,6]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}'),
      rejected: { code: 'multiple_embeddings', custom_id: '15' } },
    { line: bodyLine('16', '{"object":"list","data":[],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}'),
      rejected: { code: 'no_embedding', custom_id: '16' } },
    { line: okLine('17', 'this is not base64!'), rejected: { code: 'bad_base64', custom_id: '17' } },
    // 10 bytes: valid base64, but not a whole number of float32 values.
    { line: okLine('18', Buffer.alloc(10, 7).toString('base64')), rejected: { code: 'bad_base64', custom_id: '18' } },
    // Valid base64 of two float32 values: a whole vector of the wrong length.
    { line: okLine('19', base64Of([1, 2])), rejected: { code: 'dimension_mismatch', custom_id: '19', reason: [/\b2 values/] } },
    { line: okLine('x', [1, 2, 3]), rejected: { code: 'invalid_id', custom_id: 'x', reason: ['"x"', 'bigint'] } },
    { line: '[1,2,3]', rejected: { code: 'not_an_output_line' } },
    { line: '{"custom_id":"20"}', rejected: { code: 'not_an_output_line', custom_id: '20' } },
    { line: okLine('21', { raw: '[ -0.0 , 1E+2 ,\t2.5e-3 ]' }), applied: { id: 21, values: [-0, 100, 0.0025] } },
    { line: okLine('22', { raw: '[1,2,NaN]' }), rejected: { code: 'malformed_json', custom_id: undefined } },
    { line: okLine('23', { raw: '[1,2,3],' }), rejected: { code: 'malformed_json' } },
    { line: okLine('24', { raw: '[1,true,3]' }), rejected: { code: 'not_a_number', custom_id: '24' } },
    { line: okLine('25', { raw: '{"0":1}' }), rejected: { code: 'no_embedding', custom_id: '25' } },
    { line: okLine('26', [1e-7, -2.5, 1234.5678]), applied: { id: 26, values: [1e-7, -2.5, 1234.5678] } },
    // Underflows: below the smallest float32 (and the smallest double) they become ±0, which is finite.
    { line: okLine('27', { raw: '[1e-400, -1e-50, 5e-324]' }), applied: { id: 27, values: [0, -0, 0] } },
    // custom_id last, and written with an escape: "2\u0038" is "28".
    { line: '{"id":"b","response":{"status_code":200,"request_id":"r","body":{"object":"list","data":[{"object":"embedding",' +
        '"index":0,"embedding":[2,8,0]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}},"error":null,"custom_id":"2\\u0038"}',
      applied: { id: 28, values: [2, 8, 0] } },
    // Not JSON numbers: a leading zero, a bare dot, a plus sign, a trailing dot.
    { line: okLine('29', { raw: '[01,2,3]' }), rejected: { code: 'malformed_json' } },
    { line: okLine('29', { raw: '[.5,2,3]' }), rejected: { code: 'malformed_json' } },
    { line: okLine('29', { raw: '[+1,2,3]' }), rejected: { code: 'malformed_json' } },
    { line: okLine('29', { raw: '[1.,2,3]' }), rejected: { code: 'malformed_json' } },
  ];
  const file = dir.path('out.jsonl');
  const rejectsFile = dir.path('rejects.jsonl');
  await writeFile(file, cases.map((c) => c.line + '\n').join(''));
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejectsFile, file]);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  const records = await readRejects(rejectsFile);

  const applied = cases.filter((c) => c.applied);
  const rejected = cases.map((c, k) => ({ ...c, lineNo: k + 1 })).filter((c) => c.rejected);
  await t.test('the valid lines are applied bit-exact', async () => {
    assert.equal(summary.rowsUpdated, applied.length);
    for (const c of applied) {
      const stored = await storedVector(table, c.applied!.id);
      assert.ok(stored, `row ${c.applied!.id} is NULL`);
      const want = c.applied!.values.map(Math.fround);
      assert.equal(stored.length, want.length);
      for (let k = 0; k < want.length; k++) assert.ok(Object.is(stored[k], want[k]), `row ${c.applied!.id}[${k}]: ${stored[k]} ≠ ${want[k]}`);
    }
  });

  await t.test('the rows of rejected lines are left NULL', async () => {
    const appliedIds = new Set(applied.map((c) => c.applied!.id));
    for (const id of ids) if (!appliedIds.has(id)) assert.equal(await storedVector(table, id), null, `row ${id}`);
  });

  await t.test('each rejected line has one record: line, custom_id when known, code, reason, raw', () => {
    assert.equal(records.length, rejected.length, JSON.stringify(records.map((r) => [r.line, r.code])));
    const byLine = new Map<number, RejectLine>(records.map((r) => [r.line!, r]));
    for (const c of rejected) {
      const r = byLine.get(c.lineNo);
      assert.ok(r, `no reject record for line ${c.lineNo} (${c.rejected!.code})`);
      assert.equal(r.code, c.rejected!.code, `line ${c.lineNo}: ${r.reason}`);
      if (c.rejected!.custom_id !== undefined) assert.equal(r.custom_id, c.rejected!.custom_id, `line ${c.lineNo}`);
      if (c.rejected!.code === 'missing_custom_id' || c.line.startsWith('[')) assert.equal(r.custom_id, undefined);
      assert.equal(typeof r.reason, 'string');
      assert.ok(r.reason.length > 0);
      for (const want of c.rejected!.reason ?? []) {
        if (typeof want === 'string') assert.ok(r.reason.includes(want), `line ${c.lineNo}: reason ${JSON.stringify(r.reason)} lacks ${JSON.stringify(want)}`);
        else assert.match(r.reason, want, `line ${c.lineNo}`);
      }
      assert.equal(r.file, undefined, 'one input: no file name');
      // The README: raw is the line, cut to 1 KiB (a cut one says so, with the line's length).
      if (c.line.length <= 1024) assert.equal(r.raw, c.line, `line ${c.lineNo}: raw`);
      else assert.equal(r.raw, `${c.line.slice(0, 1024)}… (${c.line.length} bytes)`, `line ${c.lineNo}: raw is its first 1 KiB`);
    }
  });

  await t.test('the summary counts lines and rejects by reason', () => {
    assert.equal(summary.lines, cases.length);
    assert.equal(summary.rejected, rejected.length);
    assert.equal(summary.unknownIds, 0);
    assert.equal(summary.duplicates, 0);
    const want: Record<string, number> = {};
    for (const c of rejected) want[c.rejected!.code] = (want[c.rejected!.code] ?? 0) + 1;
    assert.deepEqual(summary.rejectedByReason, want);
  });
});

test('a line over 16 MiB is rejected as line_too_long with its head; the lines around it apply', async (t) => {
  const table = tableName('nasty');
  await createTable(table, [1, 2, 3]);
  const dir = await tempDir();
  t.after(() => dropTable(table));
  t.after(() => dir.cleanup());
  const huge = `{"custom_id":"2","pad":"${'a'.repeat(17 * 1024 * 1024)}"}`;
  const rejectsFile = dir.path('rejects.jsonl');
  const input = [okLine('1', [1, 1, 1]), huge, okLine('3', [3, 3, 3])].join('\n');
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', '--rejects', rejectsFile], input);
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.rowsUpdated, 2);
  assert.deepEqual(summary.rejectedByReason, { line_too_long: 1 });
  assert.deepEqual(Array.from((await storedVector(table, 1))!), [1, 1, 1]);
  assert.deepEqual(Array.from((await storedVector(table, 3))!), [3, 3, 3]);
  const records = await readRejects(rejectsFile);
  assert.equal(records.length, 1);
  assert.equal(records[0].line, 2);
  assert.equal(records[0].code, 'line_too_long');
  assert.equal(records[0].raw, huge.slice(0, 1024), 'raw is the line\'s first 1 KiB');
});
