// The backoff schedule the README promises: 0.5 s doubling to 1 min, each wait drawn between half and
// all of its step (jitter), and a Retry-After from the server obeyed instead. The schedule is pure
// (backoffMs, with the randomness injected); a RetryClock is held to it through the waits it logs, on
// a base shortened so the test sleeps milliseconds; Retry-After comes from the emulator's own 429.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { backoffBaseMs, backoffMs, retryAfterMs, retrying, RetryClock, TransientError } from '../src/batch/api-retry.js';
import { fakeOpenAI } from './helpers/batch.js';

const SECOND = 1000;

test('0.5 s doubling to 1 min: each wait between half and all of its step', () => {
  const steps = [0.5, 1, 2, 4, 8, 16, 32, 60, 60, 60].map((s) => s * SECOND);
  assert.deepEqual(steps.map((_, k) => backoffMs(k + 1, () => 1)), steps, 'the top of each step');
  assert.deepEqual(steps.map((_, k) => backoffMs(k + 1, () => 0)), steps.map((s) => s / 2), 'the bottom: half of it');
  assert.equal(backoffMs(3, () => 0.5), 1.5 * SECOND, 'in between as the draw says');
  assert.equal(backoffMs(1000, () => 1), 60 * SECOND, 'never more than a minute');
});

test('a RetryClock waits by that schedule from its base, one line per wait', async () => {
  const lines: string[] = [];
  const base = 8;
  const clock = new RetryClock('retrieve batch b', { retryForMs: 60 * SECOND, backoffBaseMs: base, log: (l) => lines.push(l) });
  for (let k = 0; k < 6; k++) await clock.wait(new TransientError('HTTP 500'));
  const waits = lines.map((l) => Number(/trying again in (\d+) ms$/.exec(l)?.[1]));
  assert.equal(waits.length, 6, lines.join('\n'));
  waits.forEach((w, k) => {
    const step = base * 2 ** k;
    assert.ok(w >= Math.floor(step / 2) && w <= step, `wait ${k + 1}: ${w} ms, between ${step / 2} and ${step}`);
  });
});

test('a Retry-After the server sends is obeyed instead of the backoff', async (t) => {
  const server = await fakeOpenAI(t);
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
  const lines: string[] = [];
  server.state.failNextRequests(1, (q) => q.path === '/v1/batches', { status: 429, retryAfterMs: 150 });
  const started = Date.now();
  // A base of 20 s: the backoff alone would wait at least 10 s.
  await retrying('list batches', { retryForMs: 60 * SECOND, backoffBaseMs: 20 * SECOND, log: (l) => lines.push(l) }, () => client.batches.list());
  const waited = Date.now() - started;
  assert.ok(waited >= 150 && waited < 5 * SECOND, `waited ${waited} ms`);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /^list batches: HTTP 429 rate_limit_exceeded; trying again in 150 ms \(as the server asked\) \[request id req_\w+\]$/);
});

test('Retry-After in each form a server sends it: milliseconds, seconds, an HTTP date', () => {
  const error = (headers: Record<string, string>) => OpenAI.APIError.generate(429, { error: { message: 'slow down' } }, undefined, new Headers(headers));
  assert.equal(retryAfterMs(error({ 'retry-after-ms': '250', 'retry-after': '1' })), 250, 'retry-after-ms first');
  assert.equal(retryAfterMs(error({ 'retry-after': '3' })), 3 * SECOND);
  const inTen = retryAfterMs(error({ 'retry-after': new Date(Date.now() + 10 * SECOND).toUTCString() }))!;
  assert.ok(inTen > 8 * SECOND && inTen <= 10 * SECOND, `${inTen} ms`);
  assert.equal(retryAfterMs(error({})), undefined, 'none asked: the backoff decides');
});

test('the base: the option, else VECFILL_BACKOFF_BASE_MS, else 0.5 s', () => {
  assert.equal(backoffMs(1, () => 1), 500, 'the schedule starts at 0.5 s');
  assert.equal(backoffBaseMs({ backoffBaseMs: 7 }), 7);
  // The suite may shorten the base for every test through the variable; this process reads it as is.
  const env = process.env.VECFILL_BACKOFF_BASE_MS;
  assert.equal(backoffBaseMs({}), env === undefined || env === '' ? 500 : Number(env));
});
