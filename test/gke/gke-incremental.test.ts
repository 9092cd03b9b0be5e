import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gkeEntry, traffic, type GkeEntry } from '../fakes/gke-entries.js';
import { Harness } from './harness.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const MIN = 60e3;
const iso = (ms: number) => new Date(ms).toISOString();
const base = { project: 'acme-prod', location: 'europe-west1', cluster: 'prod', method: 'io.k8s.core.v1.pods.get', resourceName: 'core/v1/namespaces/a/pods/b' };
let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

const ids = async () => (await h.query(`SELECT provider_event_id AS id FROM audit_events ORDER BY id`)).map((r) => String(r.id));
const cursor = async () => {
  const rows = await h.query(`SELECT stream, CAST(state AS VARCHAR) AS state, format_version FROM pull_state WHERE cluster = 'prod-gke'`);
  return rows.map((r) => ({ ...r, state: JSON.parse(String(r.state)) }));
};

describe('GKE incremental pulls', () => {
  it('starts from the lookback, commits a receive-time cursor, and a late entry lands on the next run', async () => {
    const cluster = h.cluster({ name: 'prod-gke', cluster: 'prod', lookback: '2h' });
    h.fake.addEntries([
      gkeEntry({ ...base, insertId: 'too-old', timestamp: iso(NOW.getTime() - 3 * 60 * MIN) }),
      gkeEntry({ ...base, insertId: 'a', timestamp: iso(NOW.getTime() - 90 * MIN), receiveTimestamp: iso(NOW.getTime() - 89 * MIN) }),
      gkeEntry({ ...base, insertId: 'b', timestamp: iso(NOW.getTime() - 5 * MIN), receiveTimestamp: iso(NOW.getTime() - 4 * MIN) }),
      // Received after R1 = now - 30 s: the next run's.
      gkeEntry({ ...base, insertId: 'not-yet', timestamp: iso(NOW.getTime() - 1 * MIN), receiveTimestamp: iso(NOW.getTime() - 10e3) }),
    ]);
    const [r1] = await h.pull([cluster], { now: NOW });
    expect(r1!.status).toBe('ok');
    expect(await ids()).toEqual(['a', 'b']);
    expect(await cursor()).toEqual([
      { stream: 'cloudlogging:acme-prod/europe-west1/prod', state: { receivedBefore: '2026-11-20T11:59:30Z' }, format_version: 1 },
    ]);
    expect(h.fake.listCalls('acme-prod')[0]!.filter).toBe(
      '(logName="projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity" OR logName="projects/acme-prod/logs/cloudaudit.googleapis.com%2Fdata_access")' +
        ' AND resource.type="k8s_cluster" AND (resource.labels.cluster_name="prod" AND resource.labels.location="europe-west1")' +
        ' AND protoPayload.serviceName="k8s.io" AND timestamp>="2026-11-20T10:00:00Z" AND receiveTimestamp<"2026-11-20T11:59:30Z"',
    );

    // Arrives after run 1 with an event time 40 minutes back: inside the 1 h lateness.
    h.fake.addEntries([gkeEntry({ ...base, insertId: 'late', timestamp: iso(NOW.getTime() - 40 * MIN), receiveTimestamp: iso(NOW.getTime() + 2 * MIN) })]);
    const later = new Date(NOW.getTime() + 10 * MIN);
    const [r2] = await h.pull([cluster], { now: later });
    expect(r2!.error).toBeUndefined();
    expect(await ids()).toEqual(['a', 'b', 'late', 'not-yet']);
    expect(h.fake.listCalls('acme-prod')[1]!.filter).toContain(
      'timestamp>="2026-11-20T10:57:30Z" AND receiveTimestamp>="2026-11-20T11:57:30Z" AND receiveTimestamp<"2026-11-20T12:09:30Z"',
    );
    expect((await cursor())[0]!.state).toEqual({ receivedBefore: '2026-11-20T12:09:30Z' });

    // A rerun at the same instant reads the overlap again: everything is a duplicate.
    const [r3] = await h.pull([cluster], { now: later });
    expect(r3!.counts.landed).toBe(0);
    expect(await ids()).toEqual(['a', 'b', 'late', 'not-yet']);
  });

  it('catches entries later than the default lateness when the job file allows more', async () => {
    const entry = (id: string) => gkeEntry({ ...base, insertId: id, timestamp: iso(NOW.getTime() - 3 * 60 * MIN), receiveTimestamp: iso(NOW.getTime() + 5 * MIN) });
    h.fake.addEntries([entry('three-hours-late')]);
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: new Date(NOW.getTime() + 10 * MIN) });
    expect(await ids()).toEqual([]);
    await h.pull([h.cluster({ name: 'wide', cluster: 'prod', lateness: '4h' })], { now: NOW });
    await h.pull([h.cluster({ name: 'wide', cluster: 'prod', lateness: '4h' })], { now: new Date(NOW.getTime() + 10 * MIN) });
    expect((await h.query(`SELECT provider_event_id AS id FROM audit_events WHERE cluster = 'wide'`)).map((r) => r.id)).toEqual(['three-hours-late']);
  });

  it('resumes a window that stopped part-way, with equal timestamps across the page boundary landing once', async () => {
    // 9 entries, pages of 3; entries 3..6 share one timestamp, so page 1 ends inside the tie.
    const t0 = NOW.getTime() - 30 * MIN;
    const same = '2026-11-20T11:40:00.000000777Z';
    const entries: GkeEntry[] = [
      ...[0, 1].map((i) => gkeEntry({ ...base, insertId: `e${i}`, timestamp: iso(t0 + i * 1000) })),
      ...[2, 3, 4, 5].map((i) => gkeEntry({ ...base, insertId: `e${i}`, timestamp: same, receiveTimestamp: '2026-11-20T11:40:01Z' })),
      ...[6, 7, 8].map((i) => gkeEntry({ ...base, insertId: `e${i}`, timestamp: iso(NOW.getTime() - 15 * MIN + i * 1000) })),
    ];
    h.fake.addEntries(entries);
    const cluster = h.cluster({ name: 'prod-gke', cluster: 'prod' });
    // Page 1 is answered, then the service refuses for good: the run stops after page 1's checkpoint.
    h.fake.inject('ListLogEntries', [{}, ...Array.from({ length: 6 }, () => ({ code: 14 }))]);
    const [r1] = await h.pull([cluster], { now: NOW, source: { pageSize: 3 }, checkpointBytes: 1 });
    expect(r1!.status).toBe('failed');
    expect(await ids()).toEqual(['e0', 'e1', 'e2']);
    expect((await cursor())[0]!.state).toEqual({ pending: { receivedBefore: '2026-11-20T11:59:30Z', resumeAt: same } });

    const [r2] = await h.pull([cluster], { now: NOW, source: { pageSize: 3 }, checkpointBytes: 1 });
    expect(r2!.error).toBeUndefined();
    expect(await ids()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8']);
    // The resumed read started at the tie (>=), so e2 came back once and was dropped.
    expect(h.fake.listCalls('acme-prod').at(-3)!.filter).toContain(`timestamp>="${same}"`);
    expect(r2!.counts.duplicates).toBe(1);
    expect((await cursor())[0]!.state).toEqual({ receivedBefore: '2026-11-20T11:59:30Z' });
  });

  it('backfills --since/--until without moving the cursor back, and a backfill that covers a run moves it on', async () => {
    h.fake.addEntries(traffic({ project: 'acme-prod', clusters: [{ location: 'europe-west1', cluster: 'prod' }], count: 24, startMs: NOW.getTime() - 3 * 86400e3, spacingMs: 3 * 3600e3, prefix: 'old' }));
    const cluster = h.cluster({ name: 'prod-gke', cluster: 'prod' });
    await h.pull([cluster], { now: NOW });
    const before = await cursor();
    expect(before[0]!.state).toEqual({ receivedBefore: '2026-11-20T11:59:30Z' });
    const landedFirst = (await ids()).length;
    expect(landedFirst).toBe(8); // the last 24 h: one entry every 3 h

    const since = new Date(NOW.getTime() - 3 * 86400e3);
    const until = new Date(NOW.getTime() - 2 * 86400e3);
    const [b] = await h.pull([cluster], { now: new Date(NOW.getTime() + 60 * MIN), window: { since, until } });
    expect(b!.stats.plan).toBe('backfill');
    expect(await cursor()).toEqual(before);
    expect((await ids()).length).toBe(landedFirst + 8);
    expect(h.fake.listCalls('acme-prod').at(-1)!.filter).toContain('timestamp>="2026-11-17T12:00:00Z" AND timestamp<"2026-11-18T12:00:00Z"');
    expect(h.fake.listCalls('acme-prod').at(-1)!.filter).not.toContain('receiveTimestamp');

    // No --until, starting before where the incremental run would: a superset, so the cursor moves on.
    const [c] = await h.pull([cluster], { now: new Date(NOW.getTime() + 60 * MIN), window: { since } });
    expect(c!.status).toBe('ok');
    expect((await ids()).length).toBe(24);
    expect((await cursor())[0]!.state).toEqual({ receivedBefore: '2026-11-20T12:59:30Z' });
  });
});
