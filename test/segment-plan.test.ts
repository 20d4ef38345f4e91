// Where segments end: growing from 1 MiB to the target size; doubling every 64 segments; shrinking
// towards the end of an input of known size, down to 1 MiB.
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

test('the first segments grow from 1 MiB to the target size, doubling each time', () => {
  const plan = new SegmentPlan(16 * MiB, undefined);
  for (const size of [1, 2, 4, 8, 16, 16, 16]) {
    assert.equal(plan.full(size * MiB - 1, 1e12), false, `segment of ${size} MiB ends later`);
    assert.equal(plan.full(size * MiB, 1e12), true, `segment of ${size} MiB ends there`);
    plan.cut(size * MiB);
  }
  const oneSegment = new SegmentPlan(Infinity, undefined);
  assert.equal(oneSegment.full(1e12, 1e12), false, 'no index on the id column: one segment, no growing');
});

test('with the input size known, segments shrink to half of what is left, not below 1 MiB', () => {
  const plan = new SegmentPlan(16 * MiB, 100 * MiB);
  for (let k = 0; k < 5; k++) plan.cut(16 * MiB); // 80 MiB of COPY data so far, from (below) 90 MiB of input: about 0.9 MiB per MiB
  // 10 MiB of input left ≈ 9.4 MiB of COPY data: a segment ends at half of that.
  assert.equal(plan.full(4 * MiB, 90 * MiB), false);
  assert.equal(plan.full(5 * MiB, 90 * MiB), true);
  // Near the end, 1 MiB is the least.
  assert.equal(plan.full(MiB - 1, 99.9 * MiB), false);
  assert.equal(plan.full(MiB, 99.9 * MiB), true);
  // Early on, only the target size ends a segment.
  const early = new SegmentPlan(16 * MiB, 100 * MiB);
  for (const size of [1, 2, 4, 8]) early.cut(size * MiB);
  assert.equal(early.full(15 * MiB, 20 * MiB), false);
});
