import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QuotaRegistry } from '../../src/sources/quota.js';
import { traffic } from '../fakes/gke-entries.js';
import { Harness } from './harness.js';

const NOW = new Date('2026-11-20T12:00:00Z');
let h: Harness;
beforeEach(async () => {
  h = await new Harness().start({ quota: { limit: 4, windowMs: 1000 } });
});
afterEach(async () => h.stop());

const perCluster = async () =>
  Object.fromEntries((await h.query(`SELECT cluster, count(*)::INTEGER AS n FROM audit_events GROUP BY cluster ORDER BY cluster`)).map((r) => [r.cluster, r.n]));

describe('two GKE clusters in one project', () => {
  it('share one query per page and one limiter, and each lands only its own entries', async () => {
    h.fake.addEntries(
      traffic({
        project: 'acme-prod',
        clusters: [
          { location: 'europe-west1', cluster: 'prod' },
          { location: 'europe-west1', cluster: 'prod' },
          { location: 'us-central1', cluster: 'batch' },
        ],
        count: 900,
        startMs: NOW.getTime() - 3600e3,
        spacingMs: 2000,
      }),
    );
    // Same name in another location: not ours.
    h.fake.addEntries(traffic({ project: 'acme-prod', clusters: [{ location: 'asia-east1', cluster: 'prod' }], count: 30, startMs: NOW.getTime() - 1800e3, spacingMs: 1000, prefix: 'asia' }));
    const a = h.cluster({ name: 'prod-eu', cluster: 'prod' });
    const b = h.cluster({ name: 'batch-us', cluster: 'batch', location: 'us-central1' });
    const shared = { quotas: new QuotaRegistry() };
    const results = await h.pull([a, b], { now: NOW, source: { pageSize: 100 }, quota: { limit: 4, intervalMs: 1400 }, shared });
    for (const r of results) expect(r.error).toBeUndefined();
    expect(await perCluster()).toEqual({ 'batch-us': 300, 'prod-eu': 600 });

    const calls = h.fake.listCalls('acme-prod');
    expect(calls.length).toBe(9); // 900 entries of both clusters, 100 per page: one query
    expect(calls[0]!.filter).toContain(
      '((resource.labels.cluster_name="prod" AND resource.labels.location="europe-west1") OR (resource.labels.cluster_name="batch" AND resource.labels.location="us-central1"))',
    );
    expect(calls.every((c) => c.code === 0)).toBe(true);
    expect(h.fake.maxCallsInWindow('acme-prod', 1000)).toBeLessThanOrEqual(4);
    expect(shared.quotas.all().find((q) => q.scope === 'logging:acme-prod')!.calls).toBe(9);
    expect(results.map((r) => r.stats.shared_with)).toEqual([2, 2]);

    // Same cursor for both, so the next run shares again.
    const states = await h.query(`SELECT cluster, CAST(state AS VARCHAR) AS s FROM pull_state ORDER BY cluster`);
    expect(states.map((r) => JSON.parse(String(r.s)))).toEqual([{ receivedBefore: '2026-11-20T11:59:30Z' }, { receivedBefore: '2026-11-20T11:59:30Z' }]);
    const next = await h.pull([a, b], { now: new Date(NOW.getTime() + 600e3), source: { pageSize: 100 } });
    expect(next.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(h.fake.listCalls('acme-prod').length).toBe(10);
  });

  it('read separately when their cursors differ (a new cluster joins an old one)', async () => {
    h.fake.addEntries(traffic({ project: 'acme-prod', clusters: [{ location: 'europe-west1', cluster: 'prod' }, { location: 'us-central1', cluster: 'batch' }], count: 20, startMs: NOW.getTime() - 1800e3, spacingMs: 60e3 }));
    const a = h.cluster({ name: 'prod-eu', cluster: 'prod' });
    const b = h.cluster({ name: 'batch-us', cluster: 'batch', location: 'us-central1' });
    await h.pull([a], { now: NOW });
    const results = await h.pull([a, b], { now: new Date(NOW.getTime() + 300e3) });
    expect(results.map((r) => [r.status, r.stats.shared_with])).toEqual([
      ['ok', 1],
      ['ok', 1],
    ]);
    expect(await perCluster()).toEqual({ 'batch-us': 10, 'prod-eu': 10 });
    expect(h.fake.listCalls('acme-prod').length).toBe(3);
  });

  it('a cluster whose stored cursor is unreadable fails alone, saying what to do', async () => {
    h.fake.addEntries(traffic({ project: 'acme-prod', clusters: [{ location: 'europe-west1', cluster: 'prod' }, { location: 'us-central1', cluster: 'batch' }], count: 20, startMs: NOW.getTime() - 1800e3, spacingMs: 60e3 }));
    const conn = await h.db.connect();
    await conn.run(`INSERT INTO pull_state VALUES ('batch-us', 'cloudlogging:acme-prod/us-central1/batch', '{"receivedBefore": "last tuesday"}', 1, 'r0', now())`);
    conn.closeSync();
    const [a, b] = await h.pull([h.cluster({ name: 'prod-eu', cluster: 'prod' }), h.cluster({ name: 'batch-us', cluster: 'batch', location: 'us-central1' })], { now: NOW });
    expect(a!.status).toBe('ok');
    expect(b!.status).toBe('failed');
    expect(b!.error).toContain('batch-us (gke): the stored GKE cursor {"receivedBefore":"last tuesday"} has an unreadable receivedBefore; delete its pull_state row');
    expect(await perCluster()).toEqual({ 'prod-eu': 10 });
  });
});
