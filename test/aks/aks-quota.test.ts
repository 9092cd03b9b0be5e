/**
 * Log Analytics limits per identity: requests per interval, queries in flight, and 429s with
 * Retry-After. The double enforces them as the service does and records every breach. The tests scale
 * the service's 30 s window down to 1 s but keep the safety margin in absolute terms: in production the
 * quota spaces 200 calls over 30.6 s (600 ms to spare for network and event-loop delays); here the
 * source gets 4 calls per 1.6 s against the double's 4 per 1 s, because the double shares the test's
 * event loop and two busy cores, which can delay when it notices a request by a few hundred ms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticEvents, tableRow } from '../fakes/aks-rows.js';
import { clusterId, harness, WORKSPACE_ID, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const T0 = Date.parse('2026-05-10T00:00:00Z');
const NOW = new Date(T0 + 3 * 3600e3);

function seed(h: Harness, name: string, count: number): string[] {
  const evs = syntheticEvents(name, count, T0 * 1000, 2 * 3600e6);
  h.fake.addRows(WORKSPACE_ID, evs.map((e) => tableRow(e, 'AKSAudit', { resourceId: clusterId(name) })));
  return evs.map((e) => e.auditID).sort();
}

const ids = async (h: Harness, cluster: string): Promise<string[]> =>
  (await h.rows<{ audit_id: string }>(`SELECT audit_id FROM audit_events WHERE cluster = $1 ORDER BY audit_id`, [cluster])).map((r) => r.audit_id);

describe('AKS quotas', () => {
  it('a 429 storm is waited out as Retry-After says, every retry through the quota; nothing is lost', async () => {
    h = await harness();
    const want = seed(h, 'storm', 300);
    h.fake.throttleNext(3, 1);
    const r = await h.pull({ name: 'storm', resourceId: clusterId('storm'), table: 'AKSAudit' }, { now: NOW });
    expect(r.error).toBeUndefined();
    expect(r.stats.throttled).toBe(3);
    expect(await ids(h, 'storm')).toEqual(want);
    // No request came back before the Retry-After of the 429 before it had passed.
    expect(h.fake.violations()).toEqual([]);
    expect(h.fake.queries().filter((q) => q.status === 429)).toHaveLength(3);
    // Every attempt, the throttled ones included, was a call on the identity's quota.
    const [quota] = h.quotas.all();
    expect(quota!.calls).toBeGreaterThanOrEqual(h.fake.queries().length);
    expect(r.stats.queries).toBe(h.fake.queries().length);
  });

  it('a 429 without a body (a proxy, a gateway) is still recognised as throttling', async () => {
    h = await harness();
    const want = seed(h, 'bare', 100);
    h.fake.throttleNext(2, 1, true);
    const r = await h.pull({ name: 'bare', resourceId: clusterId('bare'), table: 'AKSAudit' }, { now: NOW });
    expect(r.error).toBeUndefined();
    expect(r.stats.throttled).toBe(2);
    expect(await ids(h, 'bare')).toEqual(want);
    expect(h.fake.violations()).toEqual([]);
  });

  it('the request rate per identity is never exceeded, and the limit is what paces the pull', async () => {
    h = await harness({ rate: { limit: 4, intervalMs: 1000 } });
    const want = seed(h, 'paced', 1500);
    // Small reads: about 15 queries, more than three intervals' worth.
    const r = await h.pull(
      { name: 'paced', resourceId: clusterId('paced'), table: 'AKSAudit' },
      { now: NOW, source: { targets: { rows: 100 }, quotaSpec: { limit: 4, intervalMs: 1600, concurrency: 5 } } },
    );
    expect(r.error).toBeUndefined();
    expect(await ids(h, 'paced')).toEqual(want);
    expect(h.fake.queries().length).toBeGreaterThan(12);
    expect(h.fake.violations()).toEqual([]);
    expect(h.fake.maxInWindow()).toBe(4);
  });

  it('two clusters in one workspace share the identity quota: together within the rate and one query at a time', async () => {
    h = await harness({ rate: { limit: 4, intervalMs: 1000 }, concurrency: 1, delayMs: 30 });
    const a = seed(h, 'alpha', 800);
    const b = seed(h, 'beta', 700);
    const source = { targets: { rows: 100 }, quotaSpec: { limit: 4, intervalMs: 1600, concurrency: 1 } };
    const [ra, rb] = await Promise.all([
      h.pull({ name: 'alpha', resourceId: clusterId('alpha'), table: 'AKSAudit' }, { now: NOW, source }),
      h.pull({ name: 'beta', resourceId: clusterId('beta'), table: 'AKSAudit' }, { now: NOW, source }),
    ]);
    expect(ra.error).toBeUndefined();
    expect(rb.error).toBeUndefined();
    // Each cluster has exactly its own rows (the query filters on _ResourceId).
    expect(await ids(h, 'alpha')).toEqual(a);
    expect(await ids(h, 'beta')).toEqual(b);
    // One quota for the identity, drawn on by both clusters.
    const quotas = h.quotas.all();
    expect(quotas.map((q) => q.scope)).toHaveLength(1);
    expect(quotas[0]!.scope).toMatch(/^loganalytics:token:[0-9a-f]{16}$/);
    expect(quotas[0]!.calls).toBeGreaterThanOrEqual(h.fake.queries().length);
    expect(Number(ra.stats.queries) + Number(rb.stats.queries)).toBe(h.fake.queries().length);
    expect(h.fake.violations()).toEqual([]);
    expect(h.fake.maxConcurrency).toBe(1);
    expect(h.fake.maxInWindow()).toBe(4);
  });
});
