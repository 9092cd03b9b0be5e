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
