import { afterEach, describe, expect, it } from 'vitest';
import { traffic } from '../fakes/gke-entries.js';
import { Harness } from './harness.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const HOUR = 3600e3;
let h: Harness;
afterEach(async () => h.stop());

const load = (count: number) =>
  h.fake.addEntries(traffic({ project: 'acme-prod', clusters: [{ location: 'europe-west1', cluster: 'prod' }], count, startMs: NOW.getTime() - 2 * HOUR, spacingMs: 500 }));
const landed = async () => Number((await h.query(`SELECT count(*) AS n FROM audit_events`))[0]!.n);

describe('GKE pull within quota', () => {
  it('stays within the project quota while paging, and the double never refuses a call', async () => {
    // The double enforces 4 calls per 1 s window, our limiter allows 4 per 1 s: 12 pages need 3 windows.
    h = await new Harness().start({ quota: { limit: 4, windowMs: 1000 } });
    load(1200);
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW, source: { pageSize: 100 }, quota: { limit: 4, intervalMs: 1400 } });
    expect(r!.error).toBeUndefined();
    expect(await landed()).toBe(1200);
    const calls = h.fake.listCalls('acme-prod');
    expect(calls.length).toBe(12);
    expect(calls.every((c) => c.code === 0)).toBe(true);
    expect(h.fake.maxCallsInWindow('acme-prod', 1000)).toBeLessThanOrEqual(4);
    expect(calls.at(-1)!.at - calls[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it('rides out a RESOURCE_EXHAUSTED storm, every retry through the limiter', async () => {
    h = await new Harness().start({ quota: { limit: 4, windowMs: 1000 } });
    load(300);
    h.fake.inject('ListLogEntries', [{ code: 8 }, { code: 8 }, { code: 8 }, { code: 8 }, { code: 8 }]);
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW, source: { pageSize: 100 }, quota: { limit: 4, intervalMs: 1400 } });
    expect(r!.error).toBeUndefined();
    expect(await landed()).toBe(300);
    const calls = h.fake.listCalls('acme-prod');
    expect(calls.filter((c) => c.code === 8).length).toBe(5);
    expect(calls.filter((c) => c.code === 0).length).toBe(3);
    expect(r!.stats.throttled).toBe(5);
    expect(r!.stats.retries).toBe(5);
    expect(h.fake.maxCallsInWindow('acme-prod', 1000)).toBeLessThanOrEqual(4);
  });

  it('fails the cluster with a clear, retryable message when the storm outlasts the retries, and the rerun lands it all', async () => {
    h = await new Harness().start();
    load(50);
    h.fake.inject('ListLogEntries', Array.from({ length: 6 }, () => ({ code: 8 })));
    const cluster = h.cluster({ name: 'prod-gke', cluster: 'prod', requestsPerMinute: 30 });
    const [r] = await h.pull([cluster], { now: NOW });
    expect(r!.status).toBe('failed');
    expect(r!.error).toContain('RESOURCE_EXHAUSTED on all 6 attempts');
    expect(r!.error).toContain('kubetrail used 30/min');
    expect(r!.error).toMatch(/^prod-gke \(gke\): /);
    expect(await landed()).toBe(0);
    expect(await h.query(`SELECT * FROM pull_state`)).toEqual([]);
    const [again] = await h.pull([cluster], { now: NOW });
    expect(again!.status).toBe('ok');
    expect(await landed()).toBe(50);
  });

  it('retries DEADLINE_EXCEEDED, from the server and from the client deadline, without gax retrying on its own', async () => {
    h = await new Harness().start();
    load(250);
    // Page 1: the server says DEADLINE_EXCEEDED. Page 2: the answer takes longer than the client deadline.
    h.fake.inject('ListLogEntries', [{ code: 4 }, {}, { delayMs: 1500 }]);
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW, source: { pageSize: 100, callTimeoutMs: 400 } });
    expect(r!.error).toBeUndefined();
    expect(await landed()).toBe(250);
    // 3 pages + 2 retries, and nothing else: gax did not retry behind the limiter's back.
    expect(h.fake.listCalls('acme-prod').length).toBe(5);
    expect(r!.stats.retries).toBe(2);
  });

  it('retries UNAVAILABLE and INTERNAL but not PERMISSION_DENIED', async () => {
    h = await new Harness().start();
    load(20);
    h.fake.inject('ListLogEntries', [{ code: 14 }, { code: 13 }]);
    const [ok] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    expect(ok!.stats.retries).toBe(2);
    expect(await landed()).toBe(20);
    h.fake.inject('ListLogEntries', [{ code: 7, details: 'Permission denied for logging.logEntries.list' }]);
    const [denied] = await h.pull([h.cluster({ name: 'other', cluster: 'prod' })], { now: NOW });
    expect(denied!.status).toBe('failed');
    expect(denied!.error).toContain('roles/logging.viewer');
    expect(denied!.error).toContain('roles/logging.privateLogViewer');
    expect(denied!.error).toContain('Permission denied for logging.logEntries.list');
    expect(denied!.stats).toEqual({});
  });

  it('says how to get credentials when the service answers UNAUTHENTICATED', async () => {
    h = await new Harness().start();
    h.fake.inject('ListLogEntries', [{ code: 16, details: 'Request had invalid authentication credentials' }]);
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    expect(r!.status).toBe('failed');
    expect(r!.error).toContain('not authenticated to Google Cloud (Request had invalid authentication credentials)');
    expect(r!.error).toContain('Application Default Credentials');
  });
});

describe('GKE credentials', () => {
  it('reports missing Application Default Credentials as a message, not a crash', async () => {
    h = await new Harness().start();
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/nonexistent/kubetrail-test-key.json';
    try {
      // Not insecure: the client would use ADC, which fails on the missing key file before any network.
      const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod', insecure: false })], { now: NOW });
      expect(r!.status).toBe('failed');
      expect(r!.error).toContain('no usable Google credentials (The file at /nonexistent/kubetrail-test-key.json does not exist');
      expect(r!.error).toContain('GOOGLE_APPLICATION_CREDENTIALS');
      expect(r!.posture).toEqual([{ fact: 'posture', status: 'unknown', reason: expect.stringContaining('no usable Google credentials') }]);
      expect(h.fake.calls).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });
});
