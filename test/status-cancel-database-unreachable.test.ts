// status and cancel exit 1 when the database cannot be reached (README: "1 failed (database or API
// unreachable)"), with a message that names the database without its password, and before asking the
// API anything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_KEY, fakeOpenAI } from './helpers/batch.js';
import { run } from './helpers/run.js';

// Nothing listens on port 1 of this machine.
const UNREACHABLE = 'postgres://vecfill:s3cret-pw@127.0.0.1:1/app';

for (const command of ['status', 'cancel']) {
  test(`${command} exits 1 when the database is unreachable, naming it without the password`, async (t) => {
    const server = await fakeOpenAI(t);
    const r = await run([command, '--db', UNREACHABLE], '', { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^vecfill ${command}: cannot connect to postgres://vecfill:\\*\\*\\*@127\\.0\\.0\\.1:1/app: .*ECONNREFUSED`));
    assert.doesNotMatch(r.stderr, /s3cret-pw|\n\s+at /);
    assert.equal(r.stdout, '');
    assert.deepEqual(server.state.requests, [], 'the API was not asked');
  });
}
