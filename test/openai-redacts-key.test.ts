// API errors pass through apiError(), which scrubs the configured key and anything shaped like a key
// (OpenAI's own 401 message quotes a masked key) and says what was being done.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { apiError, redactSecrets } from '../src/batch/openai.js';

test('the key and key-shaped text are scrubbed from API errors', () => {
  const env = { OPENAI_API_KEY: 'my-own-proxy-key-123' };
  assert.equal(redactSecrets('sent my-own-proxy-key-123 twice: my-own-proxy-key-123', env), 'sent *** twice: ***');
  assert.equal(redactSecrets('Incorrect API key provided: sk-proj-abc1****************wxyz.', env), 'Incorrect API key provided: sk-pr***.');

  const auth = new OpenAI.AuthenticationError(401, { message: 'Incorrect API key provided: sk-live-0123456789abcdef' }, undefined, new Headers());
  const e = apiError(auth, 'cannot retrieve batch batch_1', env);
  assert.equal(e.message, 'cannot retrieve batch batch_1: 401 Incorrect API key provided: sk-li*** (check OPENAI_API_KEY)');
});
