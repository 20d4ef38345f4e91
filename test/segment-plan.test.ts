// Where segments end: at the target size; doubling every 64 segments; shrinking towards the end of an
// input of known size, down to 1 MiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentPlan } from '../src/ingest/segment-plan.js';

const MiB = 1024 * 1024;

test('segments end at the target size, which doubles after every 64 segments', () => {
  const plan = new SegmentPlan(100, undefined);
  assert.equal(plan.full(99, 1e9), false);
  assert.equal(plan.full(100, 1e9), true);
  for (let k = 0; k < 63; k++) plan.cut(100);
  assert.equal(plan.full(100, 1e9), true, 'still 100 after 63 segments');
  plan.cut(100);
  assert.equal(plan.full(199, 1e9), false, 'doubled after the 64th');
  assert.equal(plan.full(200, 1e9), true);
});

test('with the input size known, segments shrink to half of what is left, not below 1 MiB', () => {
  const plan = new SegmentPlan(16 * MiB, 100 * MiB);
  plan.cut(80 * MiB); // 80 MiB of COPY data so far, from (below) 90 MiB of input: about 0.9 MiB per MiB
  // 10 MiB of input left ≈ 9.4 MiB of COPY data: a segment ends at half of that.
  assert.equal(plan.full(4 * MiB, 90 * MiB), false);
  assert.equal(plan.full(5 * MiB, 90 * MiB), true);
  // Near the end, 1 MiB is the least.
  assert.equal(plan.full(MiB - 1, 99.9 * MiB), false);
  assert.equal(plan.full(MiB, 99.9 * MiB), true);
  // Early on, only the target size ends a segment.
  const early = new SegmentPlan(16 * MiB, 100 * MiB);
  assert.equal(early.full(15 * MiB, 5 * MiB), false);
});
