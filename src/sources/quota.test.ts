import { describe, expect, it } from 'vitest';
import { createQuota, QuotaRegistry } from './quota.js';

/** Most starts inside any window of `ms`. */
function busiest(starts: number[], ms: number): number {
  const t = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= ms) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('quota', () => {
  it('never starts more than `limit` calls in any interval, even when the event loop runs late', async () => {
    const q = createQuota('test', { limit: 5, intervalMs: 200, concurrency: 10 });
    const starts: number[] = [];
    // Keep the event loop busy for 35 ms out of every 45, as parsing large responses does.
    const busy = setInterval(() => {
      const end = performance.now() + 35;
      while (performance.now() < end);
    }, 45);
    try {
      await Promise.all(
        Array.from({ length: 40 }, () =>
          q.run(async () => {
            starts.push(performance.now());
            await new Promise((r) => setTimeout(r, 10));
          }),
        ),
      );
    } finally {
      clearInterval(busy);
    }
    expect(q.calls).toBe(40);
    expect(busiest(starts, 200)).toBe(5);
  });

  it('caps calls in flight', async () => {
    const q = createQuota('test', { limit: 1000, intervalMs: 1000, concurrency: 2 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        q.run(async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 5));
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(2);
  });

  it('one quota per scope: the first spec wins', () => {
    const r = new QuotaRegistry();
    const a = r.get('cloudwatch:1:us-east-1', { limit: 5, intervalMs: 1000, concurrency: 4 });
    expect(r.get('cloudwatch:1:us-east-1', { limit: 50, intervalMs: 1000, concurrency: 4 })).toBe(a);
    expect(r.get('cloudwatch:2:us-east-1', { limit: 5, intervalMs: 1000, concurrency: 4 })).not.toBe(a);
  });
});


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

it('keeps the strictest setting of the clusters sharing a scope, whichever asks first', async () => {
  for (const order of [0, 1]) {
    const lax = { limit: 10, intervalMs: 1000, concurrency: 5 };
    const strict = { limit: 2, intervalMs: 1000, concurrency: 1 };
    const registry = new QuotaRegistry();
    const [a, b] = order === 0 ? [lax, strict] : [strict, lax];
    const q = registry.get('eks:111122223333:eu-west-1', a);
    expect(registry.get('eks:111122223333:eu-west-1', b)).toBe(q);
    expect(q.spec).toEqual(strict);
    await q.run(async () => undefined);
    await q.run(async () => undefined);
    expect(q.delayMs()).toBeGreaterThan(900); // two calls fill the strict window
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 3 }, () =>
        registry.get('eks:111122223333:eu-west-1', lax).run(async () => {
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(most).toBe(1);
  }
}, 10_000);
