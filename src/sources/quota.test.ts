import { expect, it } from 'vitest';
import { createQuota } from './quota.js';

it('lets `limit` calls start in any window, uses the allowance at once, and counts every call', async () => {
  const q = createQuota('test', { limit: 3, intervalMs: 400, concurrency: 8 });
  const t0 = Date.now();
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 7 }, () => q.run(async () => void starts.push(Date.now() - t0))));
  starts.sort((a, b) => a - b);
  expect(q.calls).toBe(7);
  // Never more than 3 starts within 400 ms (the window plus its margin is 408 ms).
  for (let i = 3; i < starts.length; i++) expect(starts[i]! - starts[i - 3]!).toBeGreaterThanOrEqual(400);
  // The first three go at once; the next three together one window later, not spread over it.
  expect(starts[2]!).toBeLessThan(200);
  expect(starts[5]! - starts[3]!).toBeLessThan(200);
});

it('says how long a call asking now would wait', async () => {
  const q = createQuota('test', { limit: 2, intervalMs: 1000, concurrency: 1 });
  expect(q.delayMs()).toBe(0);
  await q.run(async () => undefined);
  expect(q.delayMs()).toBe(0);
  await q.run(async () => undefined);
  expect(q.delayMs()).toBeGreaterThan(900); // the window (1020 ms) is full until the first call ages out
});

it('runs no more than `concurrency` calls at once', async () => {
  const q = createQuota('test', { limit: 100, intervalMs: 1000, concurrency: 2 });
  let running = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 6 }, () =>
      q.run(async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
      }),
    ),
  );
  expect(most).toBe(2);
});
