// The id codec accepts exactly the custom_ids that PostgreSQL's own input functions accept for smallint,
// integer, bigint and uuid, and encodes the very value the server reads (compared through the type's
// send function): thousands of generated ids with ASCII and Unicode whitespace, signs, leading zeros,
// underscores, hex, out-of-range values, and uuids in every spelling. Text ids: what the codec accepts,
// a binary COPY (as the ingest sends it) stores byte for byte; what it refuses, no text column can
// hold as that id. Seeded: VECFILL_SEED=n reruns a seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/db.js';
import { idCodecFor } from '../src/db/id-codec.js';
import { withClient } from './helpers/db.js';
import { Rnd } from './helpers/bent-lines.js';

const SEED = Number(process.env.VECFILL_SEED ?? 4242);
const PER_TYPE = 4000;

/** C isspace(), other control characters, Unicode spaces (JS's \s takes most), a BOM, a lone surrogate. */
const SPACES = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u2003', '\ufeff', '\u0085', '\u1680', '\u2028', '\u3000',
  '\u200b', '\x1c', '\x1f', '\ud800'];
const INT_BODIES = ['32767', '32768', '2147483647', '2147483648', '9223372036854775807', '9223372036854775808',
  '99999999999999999999', '1_000', '0x1F', '0X1f', '0o17', '0b101', '1.0', '1e3', '1.', '.1', '', '١٢', '１２', '12a', 'a12',
  '1 2', 'NaN', 'Infinity', '0', '00'];

function spaces(r: Rnd): string {
  let s = '';
  for (let n = r.int(3); n >= 0; n--) s += r.pick(SPACES);
  return s;
}

function digits(r: Rnd, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += String(r.int(10));
  return s;
}

/** An integer id for a type of up to maxDigits digits: mostly plausible, bent one way or another. */
function intId(r: Rnd, maxDigits: number): string {
  const body = r.pick([
    () => digits(r, 1 + r.int(maxDigits + 1)),
    () => digits(r, 1 + r.int(maxDigits + 1)),
    () => '0'.repeat(1 + r.int(40)) + digits(r, 1 + r.int(5)),
    () => r.pick(INT_BODIES),
    () => `${digits(r, 1 + r.int(4))}${r.pick(SPACES)}${digits(r, 1 + r.int(4))}`,
  ])();
  const sign = r.chance(0.8) ? r.pick(['', '', '-', '+']) : r.pick(['--', '+-', '-+', ' -', '- ']);
  return (r.chance(0.3) ? spaces(r) : '') + sign + body + (r.chance(0.3) ? spaces(r) : '');
}

function uuidId(r: Rnd): string {
  let hex = '';
  for (let k = 0; k < 32; k++) {
    const h = r.int(16).toString(16);
    hex += r.chance(0.3) ? h.toUpperCase() : h;
  }
  if (r.chance(0.1)) hex = r.chance(0.5) ? hex.slice(1) : hex + 'a';
  if (r.chance(0.05)) hex = hex.slice(0, 10) + 'g' + hex.slice(11);
  const groups = hex.match(/.{1,4}/g)!;
  let s: string;
  switch (r.int(4)) {
    case 0: s = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`; break;
    case 1: s = hex; break;
    case 2: s = groups.map((g, k) => (k && r.chance(0.4) ? '-' : '') + g).join(''); break; // after any group of four
    default: { // a hyphen anywhere, or two, or at an end
      const at = r.int(hex.length + 1);
      s = hex.slice(0, at) + r.pick(['-', '--']) + hex.slice(at);
    }
  }
  const braces = r.pick([['', ''], ['', ''], ['{', '}'], ['{', ''], ['', '}'], ['{{', '}}'], ['(', ')'], ['urn:uuid:', '']]);
  s = braces[0] + s + braces[1];
  return (r.chance(0.15) ? spaces(r) : '') + s + (r.chance(0.15) ? spaces(r) : '');
}

/** The id as an ASCII JSON string: U+00A0 and its kin must not pass for a space in a failure message. */
const show = (id: string): string => JSON.stringify(id).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The server's verdict on each text: its send form (what a binary COPY carries), or null if refused. */
async function serverReads(c: Db, type: string, inputs: string[]): Promise<(Buffer | null)[]> {
  const { rows } = await c.query('SELECT pg_temp.input_send(x, $2) AS b FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n', [inputs, type]);
  return rows.map((row) => row.b as Buffer | null);
}

/** Reads x with the type's input function; refusals of the input itself become NULL, anything else fails. */
const INPUT_SEND = `
CREATE OR REPLACE FUNCTION pg_temp.input_send(x text, typ text) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE r bytea;
BEGIN
  EXECUTE format('SELECT %s($1::%s)', CASE typ WHEN 'uuid' THEN 'uuid_send' ELSE typ || 'send' END, typ) INTO r USING x;
  RETURN r;
EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
  RETURN NULL;
END $$`;

for (const type of ['int2', 'int4', 'int8', 'uuid']) {
  test(`${type}: the codec accepts exactly what PostgreSQL's input accepts, as the same value (seed ${SEED})`, async () => {
    const r = new Rnd(SEED + type.length * 7919 + type.charCodeAt(3));
    const codec = idCodecFor(type)!;
    const ids = Array.from({ length: PER_TYPE }, () => (type === 'uuid' ? uuidId(r) : intId(r, { int2: 5, int4: 10, int8: 19 }[type]!)));
    // A NUL cannot even reach the server in a text parameter; the codec must refuse it.
    for (const id of ids.filter((x) => x.includes('\0'))) assert.equal(typeof codec.encode(id), 'string', JSON.stringify(id));
    const sent = ids.filter((x) => !x.includes('\0'));
    await withClient(async (c) => {
      await c.exec(INPUT_SEND);
      const version = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num);
      const theirs = await serverReads(c, type, sent);
      let accepted = 0;
      const wrong: string[] = [];
      for (const [k, id] of sent.entries()) {
        const mine = codec.encode(id);
        const server = theirs[k];
        if (server) accepted++;
        // PostgreSQL 16 also reads 0x1F, 0o17, 0b101 and 1_000: vecfill keeps to what every version reads.
        if (server && typeof mine === 'string' && version >= 160000 && /0[xob]|_/i.test(id)) continue;
        if (server === null && typeof mine !== 'string') wrong.push(`${show(id)}: the codec accepts it, PostgreSQL refuses it`);
        else if (server && typeof mine === 'string') wrong.push(`${show(id)}: PostgreSQL reads ${server.toString('hex')}, the codec refuses it (${mine})`);
        else if (server && typeof mine !== 'string' && !server.equals(mine)) wrong.push(`${show(id)}: PostgreSQL reads ${server.toString('hex')}, the codec ${mine.toString('hex')}`);
      }
      assert.deepEqual(wrong.slice(0, 20), [], `seed ${SEED}: ${wrong.length} of ${sent.length} ids disagree`);
      // Both sides of the line, well populated: else the agreement proves little.
      assert.ok(accepted > sent.length * 0.15 && accepted < sent.length * 0.85, `${accepted} of ${sent.length} accepted`);
    });
  });
}

/** Binary COPY rows (n int4, id text), the id's bytes as given, as the ingest sends ids. */
function copyRows(ids: readonly Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  ids.forEach((id, n) => {
    const head = Buffer.alloc(14);
    head.writeInt16BE(2, 0);
    head.writeInt32BE(4, 2);
    head.writeInt32BE(n, 6);
    head.writeInt32BE(id.length, 10);
    parts.push(head, id);
  });
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

async function copyText(c: Db, table: string, ids: readonly Uint8Array[]): Promise<void> {
  const copy = c.copyFrom(`COPY ${table} (n, id) FROM STDIN (FORMAT binary)`);
  copy.stream.on('error', () => {}); // send() rejects with it
  copy.stream.end(copyRows(ids));
  await copy.send();
}

test(`text: what the codec accepts a binary COPY stores byte for byte; what it refuses no text column holds (seed ${SEED})`, async (t) => {
  const r = new Rnd(SEED);
  const codec = idCodecFor('text')!;
  const pool = ['a', 'Z', '7', ' ', '"', '\\', '\x01', '\x1f', '\x7f', '\u0080', '\u00ff', 'é', '✓', '\ufffd', '\ufffe', '\uffff', '\ufdd0',
    '😀', '\ud83d', '\ude00', '\u2028', '\ufeff', '\0'];
  const ids = Array.from({ length: 3000 }, () => Array.from({ length: r.int(12) }, () => r.pick(pool)).join(''));
  const accepted = ids.filter((id) => typeof codec.encode(id) !== 'string');
  const refused = ids.filter((id) => typeof codec.encode(id) === 'string');
  assert.ok(accepted.length > 500 && refused.length > 500, `${accepted.length} accepted, ${refused.length} refused`);
  for (const id of refused) {
    const noCharacter = Buffer.from(id, 'utf8').toString('utf8') !== id; // a lone surrogate: UTF-8 would make it U+FFFD
    assert.ok(id.includes('\0') || noCharacter, `refused ${show(id)}, which text could hold`);
  }
  await withClient(async (c) => {
    // Dropped after: the session outlives this file (test files share a process and its database).
    t.after(() => c.query('DROP TABLE IF EXISTS pg_temp.text_ids, pg_temp.nul_ids'));
    await c.query('CREATE TEMP TABLE text_ids (n int4, id text)');
    await copyText(c, 'text_ids', accepted.map((id) => codec.encode(id) as Buffer));
    const { rows } = await c.query('SELECT n, id, textsend(id) AS b FROM text_ids ORDER BY n');
    assert.equal(rows.length, accepted.length);
    for (const row of rows) {
      // Compared as bytes: a driver's text decoding may drop a leading U+FEFF (PGlite's does).
      assert.ok((row.b as Buffer).equals(Buffer.from(accepted[row.n], 'utf8')), `row ${row.n}: ${show(accepted[row.n])} is stored as ${show(row.id)}`);
      assert.ok((row.b as Buffer).equals(codec.encode(accepted[row.n]) as Buffer), `row ${row.n}: stored bytes`);
    }
    // And why a NUL is refused on its line: in a COPY it would fail the whole ingest.
    await c.query('CREATE TEMP TABLE nul_ids (n int4, id text)');
    await assert.rejects(copyText(c, 'nul_ids', [Buffer.from('a\0b')]), /invalid byte sequence.*0x00/);
  });
});
