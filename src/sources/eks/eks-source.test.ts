/**
 * The EKS source end to end: the real CloudWatch Logs, EKS and STS SDK clients against the wire-level
 * double (test/fakes/cloudwatch-logs.ts), driven through pullCluster into a real DuckDB file. Expected
 * values come from the double's inputs (its event generator), never from what the code under test wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eksCluster } from '../../config/providers/eks.js';
import { silentLogger } from '../../log.js';
import { prepareStagingDir } from '../../pipeline/lander.js';
import { pullCluster, type ClusterResult } from '../../pipeline/pull-cluster.js';
import { Database } from '../../store/database.js';
import { CloudWatchLogsDouble } from '../../../test/fakes/cloudwatch-logs.js';
import { Series } from '../../../test/fakes/audit-event-generator.js';
import { startDoubleProcess } from '../../../test/fakes/cloudwatch-logs-process.js';
import { QuotaRegistry } from '../quota.js';
import type { Source, PullWindow } from '../types.js';
import { cloudWatchQuota, eksSource, type EksClusterConfig, type EksSourceOptions } from './eks-source.js';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const MIN = 60_000;
const H = 60 * MIN;
const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);
const SETTLE = 60_000;
const GROUP = '/aws/eks/prod/cluster';

let double: CloudWatchLogsDouble;
let creds: { accessKeyId: string; secretAccessKey: string };
let dir: string;
let db: Database;
let stagingDir: string;
let runs = 0;

async function startDouble(opts: ConstructorParameters<typeof CloudWatchLogsDouble>[0] = {}): Promise<void> {
  await double?.stop();
  double = await new CloudWatchLogsDouble(opts).start();
  creds = double.credentialsFor(ACCOUNT);
}

beforeEach(async () => {
  await startDouble({ pageEvents: 100 });
  dir = mkdtempSync(join(tmpdir(), 'kubetrail-eks-'));
  db = await Database.open(join(dir, 'kubetrail.duckdb'));
  stagingDir = prepareStagingDir(join(dir, 'kubetrail.duckdb'));
});

afterEach(async () => {
  db.close();
  await double.stop();
  rmSync(dir, { recursive: true, force: true });
});

function config(over: Record<string, unknown> = {}): EksClusterConfig {
  return eksCluster.parse({
    name: 'prod-eks',
    provider: 'eks',
    region: REGION,
    cluster: 'prod',
    endpoint: double.endpoint,
    eksEndpoint: double.endpoint,
    stsEndpoint: double.endpoint,
    ...over,
  });
}

/** A quota registry where CloudWatch is effectively unlimited (tests about paging, not pacing). */
function roomyQuotas(account = ACCOUNT): QuotaRegistry {
  const q = new QuotaRegistry();
  q.get(`cloudwatch:${account}:${REGION}`, { limit: 1000, intervalMs: 1000, concurrency: 8 });
  return q;
}

function source(cfg: EksClusterConfig, quotas = roomyQuotas(), opts: EksSourceOptions = {}): Source {
  return eksSource(cfg, { quotas }, { credentials: creds, retry: { baseDelayMs: 0, throttleBaseDelayMs: 0 }, ...opts });
}

async function pull(
  cfg: EksClusterConfig,
  src: Source = source(cfg),
  o: { now?: number; window?: PullWindow; checkpointBytes?: number } = {},
): Promise<ClusterResult> {
  return pullCluster(db, cfg, src, {
    runId: `run-${++runs}`,
    now: new Date(o.now ?? NOW),
    window: o.window,
    log: silentLogger(),
    stagingDir,
    checkpointBytes: o.checkpointBytes,
  });
}

async function query(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const conn = await db.connect();
  try {
    const rows = (await conn.runAndReadAll(sql, params as never)).getRowObjectsJS();
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    conn.closeSync();
  }
}

const auditIds = async (cluster = 'prod-eks'): Promise<string[]> =>
  (await query(`SELECT audit_id FROM audit_events WHERE cluster = $1 ORDER BY audit_id`, [cluster])).map((r) => String(r.audit_id));

const expectedIds = (s: Series, keep: (i: number) => boolean = () => true): string[] => {
  const ids: string[] = [];
  for (let i = 0; i < s.length; i++) if (keep(i) && !s.truncated(i)) ids.push(s.auditId(i));
  return ids.sort();
};

async function cursor(cluster = 'prod-eks', group = GROUP): Promise<Record<string, unknown> | undefined> {
  const r = await query(`SELECT CAST(state AS VARCHAR) AS state, format_version FROM pull_state WHERE cluster = $1 AND stream = $2`, [cluster, `cloudwatch:${group}`]);
  if (!r.length) return undefined;
  return { ...(JSON.parse(String(r[0]!.state)) as Record<string, unknown>), column_format_version: r[0]!.format_version };
}

async function facts(cluster = 'prod-eks'): Promise<Record<string, { status: string; value: unknown; reason: string | null }>> {
  const rows = await query(`SELECT fact, status, CAST(value AS VARCHAR) AS value, reason FROM posture_facts WHERE cluster = $1`, [cluster]);
  return Object.fromEntries(
    rows.map((r) => [String(r.fact), { status: String(r.status), value: r.value === null ? undefined : (JSON.parse(String(r.value)) as unknown), reason: r.reason as string | null }]),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A raw audit event message of our own making (for explicit, hand-placed events). */
function auditMessage(auditID: string, ts: number, verb = 'get'): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/pods/${auditID}`,
    verb,
    user: { username: 'kubernetes-admin', groups: ['system:masters'] },
    sourceIPs: ['192.0.2.7'],
    objectRef: { resource: 'pods', namespace: 'default', name: auditID, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: iso(ts),
    stageTimestamp: iso(ts),
  });
}

describe('EKS source: paging and landing', () => {
  it('lands every audit event of many pages across rotating streams, field by field, and skips non-audit streams', async () => {
    double.addCluster('prod', { version: '1.30' }).addLogGroup(GROUP, { retentionInDays: 90 });
    const s = double.generate(GROUP, { count: 2500, from: NOW - 20 * H, to: NOW - 2 * H, rotateEvery: 300, apiServers: 2, account: ACCOUNT });
    const noise = double.generate(GROUP, { count: 400, from: NOW - 20 * H, to: NOW - 2 * H, kind: 'apiserver' });

    const r = await pull(config());
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('ok');
    expect(r.counts.landed).toBe(2500);
    expect(r.counts.duplicates).toBe(0);
    expect(r.counts.quarantined).toBe(0);
    expect(r.stats.events).toBe(2500);
    expect(await auditIds()).toEqual(expectedIds(s));

    // Every request asked for the audit streams by prefix with the largest page, inside the planned window.
    const filters = double.requests.filter((q) => q.op === 'FilterLogEvents');
    expect(filters.length).toBeGreaterThanOrEqual(25); // 2500 events, 100 per page
    for (const q of filters) {
      expect(q.params).toMatchObject({ logGroupName: GROUP, logStreamNamePrefix: 'kube-apiserver-audit', limit: 10000 });
      expect(q.params!.startTime as number).toBeGreaterThanOrEqual(NOW - 24 * H);
      expect(q.params!.endTime as number).toBeLessThanOrEqual(NOW - SETTLE);
    }
    expect(r.stats.requests).toBe(filters.length);
    expect(r.stats.pages).toBe(filters.length);

    // Streams: every audit stream of the input, none of the api-server log streams.
    const streams = (await query(`SELECT DISTINCT log_name FROM audit_events ORDER BY 1`)).map((x) => x.log_name);
    const inputStreams = [...new Set(Array.from({ length: s.length }, (_, i) => s.stream(i)))].sort();
    expect(streams).toEqual(inputStreams);
    expect(inputStreams.length).toBe(18); // 2 servers x 9 rotations
    expect(streams).not.toContain(noise.stream(0));

    for (const i of [0, 1, 7, 1234, 2499]) {
      const ev = s.event(i);
      const msg = JSON.parse(ev.message) as Record<string, any>;
      const [row] = await query(
        `SELECT provider, stage, verb, request_uri, user_name, user_uid, user_groups, user_extra, source_ips, user_agent, resource, namespace, name,
                response_code, decision, strftime(stage_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS stage_at, strftime(ingested_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS ingested_at,
                provider_event_id, log_name, source, source_line, envelope
         FROM audit_events WHERE audit_id = $1`,
        [s.auditId(i)],
      );
      expect(row).toMatchObject({
        provider: 'eks',
        stage: 'ResponseComplete',
        verb: msg.verb,
        request_uri: msg.requestURI,
        user_name: msg.user.username,
        user_uid: msg.user.uid,
        user_groups: msg.user.groups,
        source_ips: msg.sourceIPs,
        user_agent: msg.userAgent,
        resource: msg.objectRef.resource,
        namespace: msg.objectRef.namespace,
        name: msg.objectRef.name,
        response_code: msg.responseStatus.code,
        decision: 'allow',
        stage_at: msg.stageTimestamp,
        ingested_at: `${iso(ev.ingestionTime).slice(0, 23)}000Z`,
        provider_event_id: ev.eventId,
        log_name: ev.logStreamName,
        source: `cloudwatch:${GROUP}`,
        source_line: ev.timestamp,
        envelope: 'cloudwatch-event',
      });
      expect(JSON.parse(String(row!.user_extra))).toEqual(msg.user.extra);
    }

    const c = await cursor();
    expect(c).toEqual({
      format_version: 1,
      log_group: GROUP,
      watermark_ms: NOW - SETTLE,
      watermark: iso(NOW - SETTLE),
      column_format_version: 1,
    });
    const [rc] = await query(`SELECT status, fetched, landed, duplicates, quarantined FROM run_clusters WHERE cluster = 'prod-eks'`);
    expect(rc).toEqual({ status: 'ok', fetched: 2500, landed: 2500, duplicates: 0, quarantined: 0 });
  });

  it('keeps paging through empty pages that still carry a token', async () => {
    await startDouble({ pageEvents: 40, emptyPages: 2 });
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 300, from: NOW - 10 * H, to: NOW - 9 * H });
    const r = await pull(config());
    expect(r.status).toBe('ok');
    expect(await auditIds()).toEqual(expectedIds(s));
    const empties = double.requests.filter((q) => q.op === 'FilterLogEvents' && q.events === 0).length;
    // 300 / 40 = 8 data pages, each after 2 empty ones (the other slices of the day have none, but 2 empty pages each too)
    expect(empties).toBeGreaterThanOrEqual(16);
    expect(r.stats.empty_pages).toBe(empties);
  });

  it('treats events at a slice end as the next slice’s, so boundaries inside one run neither lose nor double them', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    // A first run covers [NOW-24h, NOW-1m) in four slices; put events on and next to each inner boundary.
    const start = NOW - 24 * H;
    const span = NOW - SETTLE - start;
    const bounds = [1, 2, 3].map((k) => start + Math.round((span * k) / 4));
    const events = bounds.flatMap((b, k) =>
      [b - 1, b, b, b + 1].map((ts, j) => ({ timestamp: ts, logStreamName: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef', message: auditMessage(`b${k}-${j}`, ts) })),
    );
    double.addEvents(GROUP, events);
    const r = await pull(config());
    expect(r.stats.slices).toBe(4);
    expect(r.counts.landed).toBe(12);
    expect(r.counts.duplicates).toBe(0);
    // The double reads endTime inclusively (as AWS documents): the two events at each boundary come back twice and are passed over once.
    expect(r.stats.events_at_slice_end).toBe(6);
    expect(await auditIds()).toEqual(events.map((e) => JSON.parse(e.message).auditID).sort());
  });

  it('sends messages CloudWatch truncated to quarantine, counts them, lands the rest', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 200, from: NOW - 3 * H, to: NOW - 2 * H, truncateEvery: 10 });
    const r = await pull(config());
    expect(r.status).toBe('ok');
    expect(r.counts.landed).toBe(180);
    expect(r.counts.quarantined).toBe(20);
    expect(await auditIds()).toEqual(expectedIds(s));
    const q = await query(`SELECT source, source_line, reason, raw FROM quarantine WHERE cluster = 'prod-eks' ORDER BY source_line`);
    expect(q).toHaveLength(20);
    const truncated = Array.from({ length: 200 }, (_, i) => i).filter((i) => s.truncated(i));
    expect(q.map((x) => Number(x.source_line))).toEqual(truncated.map((i) => s.timestamp(i)));
    for (const x of q) {
      expect(x.source).toBe(`cloudwatch:${GROUP}`);
      expect(String(x.reason)).toMatch(/CloudWatch message is not a JSON audit event \(300 characters/);
    }
    expect(String(q[0]!.raw)).toContain(s.eventId(truncated[0]!));
    const [rc] = await query(`SELECT quarantined, landed FROM run_clusters`);
    expect(rc).toEqual({ quarantined: 20, landed: 180 });
  });

  it('a bad record re-read through the lateness overlap is not quarantined twice', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 100, from: NOW - 8 * MIN, to: NOW - 2 * MIN, truncateEvery: 25 });
    const first = await pull(config());
    expect(first.counts.quarantined).toBe(4);
    const second = await pull(config(), undefined, { now: NOW + 2 * MIN });
    expect(second.counts.landed).toBe(0);
    expect(second.counts.duplicates).toBe(100); // all re-read: the window starts 10 minutes before the watermark
    expect(second.counts.quarantined).toBe(0);
    expect((await query(`SELECT count(*) AS n FROM quarantine`))[0]!.n).toBe(4);
    expect(await auditIds()).toEqual(expectedIds(s));
  });
});

describe('EKS source: throttling, errors and retries', () => {
  it('rides out a throttling storm, 500s and dropped connections, every attempt inside the quota', async () => {
    await startDouble({ pageEvents: 100, quota: 5 });
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 800, from: NOW - 5 * H, to: NOW - 4 * H });
    double.inject({ op: 'FilterLogEvents', kind: 'throttle', count: 12 });
    double.inject({ op: 'FilterLogEvents', kind: 'server', count: 4 });
    double.inject({ op: 'FilterLogEvents', kind: 'reset', count: 2 });
    const cfg = config();
    const r = await pull(cfg, source(cfg, new QuotaRegistry())); // the configured 5 requests/s
    expect(r.error).toBeUndefined();
    expect(await auditIds()).toEqual(expectedIds(s));
    expect(r.counts.duplicates).toBe(0);
    expect(r.stats.throttled).toBe(12);
    expect(r.stats.server_errors).toBe(4);
    expect(r.stats.network_errors).toBe(2);
    expect(r.stats.retries).toBe(18);
    double.assertQuota(5);
    expect(double.requests.filter((q) => q.error === 'ThrottlingException').length).toBe(12); // none beyond the injected storm
  });

  it('gives up after the configured attempts with a retryable error; the next run lands everything once', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 500, from: NOW - 20 * H, to: NOW - 2 * H });
    const cfg = config({ parallelSlices: 1 });
    double.inject({ op: 'FilterLogEvents', kind: 'throttle', count: 3, target: GROUP });
    // Let the first slices through, then fail: a storm that outlasts the attempts.
    const first = await pull(cfg, source(cfg, roomyQuotas(), { retry: { attempts: 2, baseDelayMs: 0, throttleBaseDelayMs: 0 } }));
    expect(first.status).toBe('failed');
    expect(first.error).toMatch(/prod-eks \(eks\): CloudWatch Logs \/aws\/eks\/prod\/cluster: gave up after 2 attempts \(throttled\).*nothing was committed yet: the next run starts again from its look-back/);
    expect(await cursor()).toBeUndefined(); // the first slice never finished: no watermark claimed

    const second = await pull(cfg);
    expect(second.status).toBe('ok');
    expect(await auditIds()).toEqual(expectedIds(s));
    expect((await query(`SELECT count(*) AS n FROM audit_events`))[0]!.n).toBe(500);
  });

  it('a failure in a later slice keeps the watermark of the finished earlier ones', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 400, from: NOW - 24 * H, to: NOW - 2 * H });
    const cfg = config({ parallelSlices: 1 }); // slices one after the other, in time order
    // A first run is four slices of [NOW-24h, NOW-1m); slice 1 holds ~109 events = 2 pages. Fail from the 4th request on.
    double.inject({ op: 'FilterLogEvents', kind: 'server', count: 1000, after: 3 });
    const r = await pull(cfg, source(cfg, roomyQuotas(), { retry: { attempts: 1, baseDelayMs: 0, throttleBaseDelayMs: 0 } }));
    expect(r.status).toBe('failed');
    const sliceEnd = NOW - 24 * H + Math.round((24 * H - SETTLE) / 4);
    expect((await cursor())!.watermark_ms).toBe(sliceEnd);
    const landed = new Set(await auditIds());
    for (let i = 0; i < s.length; i++) if (s.timestamp(i) < sliceEnd) expect(landed.has(s.auditId(i))).toBe(true);

    double.faults.length = 0;
    const again = await pull(cfg);
    expect(again.status).toBe('ok');
    expect(again.stats.window_start).toBe(iso(sliceEnd - 10 * MIN));
    expect(await auditIds()).toEqual(expectedIds(s));
  });

  it('slices that finish before an earlier one fails do not move the watermark past it', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 400, from: NOW - 24 * H, to: NOW - 2 * H });
    const cfg = config({ parallelSlices: 4 });
    // The first slice starts at NOW-24h: its first request fails, slowly; slices 2-4 finish meanwhile.
    double.inject({ op: 'FilterLogEvents', kind: 'server', count: 1000, delayMs: 300, match: (q) => q.startTime === NOW - 24 * H });
    const r = await pull(cfg, source(cfg, roomyQuotas(), { retry: { attempts: 1, baseDelayMs: 0, throttleBaseDelayMs: 0 } }));
    expect(r.status).toBe('failed');
    expect(r.counts.landed).toBeGreaterThan(250); // slices 2-4 landed ...
    expect(await cursor()).toBeUndefined(); // ... but claim nothing while slice 1 is missing

    double.faults.length = 0;
    const again = await pull(cfg);
    expect(again.stats.window_kind).toBe('first');
    expect(await auditIds()).toEqual(expectedIds(s));
  });

  it('fails with the missing permission when FilterLogEvents is denied', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    double.generate(GROUP, { count: 10, from: NOW - 3 * H, to: NOW - 2 * H });
    double.denied.add('logs:FilterLogEvents');
    const r = await pull(config());
    expect(r.status).toBe('failed');
    expect(r.error).toContain('logs:FilterLogEvents was denied: grant logs:FilterLogEvents on arn:aws:logs:us-east-1:111122223333:log-group:/aws/eks/prod/cluster:*');
    expect(r.error).toContain(`to arn:aws:iam::${ACCOUNT}:user/kubetrail`);
    expect(await cursor()).toBeUndefined();
  });

  it('says so when there are no AWS credentials at all (default chain, nothing configured)', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && k !== 'AWS_EC2_METADATA_DISABLED') delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
    try {
      const cfg = config();
      const r = await pull(cfg, eksSource(cfg, { quotas: roomyQuotas() }, { retry: { baseDelayMs: 0, throttleBaseDelayMs: 0 } }));
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/^prod-eks \(eks\): no AWS credentials found/);
      expect((await facts()).audit_log_enabled!.reason).toContain('no AWS credentials found');
      expect(double.requests).toEqual([]); // nothing unsigned left the process
    } finally {
      process.env = saved;
    }
  });

  it('refuses a cursor written by a newer kubetrail instead of guessing', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const conn = await db.connect();
    await conn.run(`INSERT INTO pull_state (cluster, stream, state, format_version, updated_at) VALUES ('prod-eks', $1, '{"format_version": 9, "watermark_ms": 5}', 9, now())`, [
      `cloudwatch:${GROUP}`,
    ]);
    conn.closeSync();
    const r = await pull(config());
    expect(r.status).toBe('failed');
    expect(r.error).toContain('written by a newer kubetrail (cursor format 9; this one reads 1): upgrade kubetrail');
  });
});

describe('EKS source: watermark and late events', () => {
  const STREAM = 'kube-apiserver-audit-00000000000000000000000000000001';

  it('catches events that arrive after a run with the next run, without doubling the overlap', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 600, from: NOW - 30 * MIN, to: NOW - 2 * MIN });
    const first = await pull(config());
    expect(first.counts.landed).toBe(600);

    // Delivered late: timestamps before the watermark (NOW - 1m) but within lateness (10m).
    const late = [3, 4, 5].map((k) => ({ timestamp: NOW - k * MIN, logStreamName: STREAM, message: auditMessage(`late-${k}`, NOW - k * MIN), ingestionTime: NOW + 20 * MIN }));
    double.addEvents(GROUP, late);
    const second = await pull(config(), undefined, { now: NOW + 30 * MIN });
    expect(second.status).toBe('ok');
    expect(second.counts.landed).toBe(3);
    // The overlap [watermark - 10m, watermark) was read again: those events are counted as duplicates, not landed.
    const overlap = Array.from({ length: s.length }, (_, i) => s.timestamp(i)).filter((t) => t >= NOW - SETTLE - 10 * MIN).length;
    expect(second.counts.duplicates).toBe(overlap);
    expect(await auditIds()).toEqual([...expectedIds(s), 'late-3', 'late-4', 'late-5'].sort());
    expect((await cursor())!.watermark_ms).toBe(NOW + 30 * MIN - SETTLE);
    const perId = await query(`SELECT audit_id, count(*) AS n FROM audit_events GROUP BY 1 HAVING n > 1`);
    expect(perId).toEqual([]);
  });

  it('events sharing the watermark millisecond are neither lost nor doubled', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const W = NOW - SETTLE; // where the first run stops
    const at = (ts: number, tag: string) => ({ timestamp: ts, logStreamName: STREAM, message: auditMessage(tag, ts) });
    double.addEvents(GROUP, [at(W - 1, 'a1'), at(W - 1, 'a2'), at(W - 1, 'a3'), at(W, 'b1'), at(W, 'b2'), at(W, 'b3'), at(W + 1, 'c1')]);

    const first = await pull(config());
    expect(await auditIds()).toEqual(['a1', 'a2', 'a3']);
    expect((await cursor())!.watermark_ms).toBe(W);

    // Another event for the boundary millisecond shows up before the next run.
    double.addEvents(GROUP, [{ ...at(W, 'b4'), ingestionTime: NOW + MIN }]);
    const second = await pull(config(), undefined, { now: NOW + 10 * MIN });
    expect(first.counts.duplicates).toBe(0);
    expect(second.counts.landed).toBe(5);
    expect(second.counts.duplicates).toBe(3); // a1-a3 re-read through the lateness overlap
    expect(await auditIds()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'b4', 'c1']);
  });

  it('with no lateness overlap the boundary millisecond is still read exactly once', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const W = NOW - SETTLE;
    const at = (ts: number, tag: string) => ({ timestamp: ts, logStreamName: STREAM, message: auditMessage(tag, ts) });
    double.addEvents(GROUP, [at(W - 1, 'a1'), at(W, 'b1'), at(W, 'b2')]);
    const cfg = config({ lateness: '0s' });
    await pull(cfg);
    const second = await pull(cfg, undefined, { now: NOW + 5 * MIN });
    expect(second.counts.landed).toBe(2);
    expect(second.counts.duplicates).toBe(0);
    const first = double.requests.filter((q) => q.op === 'FilterLogEvents').at(-1)!;
    expect(first.params!.startTime).toBe(W);
    expect(await auditIds()).toEqual(['a1', 'b1', 'b2']);
  });

  it('follows a stream that rotates between runs and in the middle of a window', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const A = 'kube-apiserver-audit-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const B = 'kube-apiserver-audit-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    const C = 'kube-apiserver-audit-cccccccccccccccccccccccccccccccc';
    const ev = (ts: number, stream: string, tag: string) => ({ timestamp: ts, logStreamName: stream, message: auditMessage(tag, ts) });
    double.addEvents(GROUP, [ev(NOW - 20 * MIN, A, 'a1'), ev(NOW - 10 * MIN, A, 'a2'), ev(NOW - 5 * MIN, B, 'b1'), ev(NOW - 2 * MIN, B, 'b2')]);
    await pull(config());
    // B keeps going, then rotates to C during the next window.
    double.addEvents(GROUP, [ev(NOW + 2 * MIN, B, 'b3'), ev(NOW + 4 * MIN, C, 'c1'), ev(NOW + 6 * MIN, C, 'c2')]);
    await pull(config(), undefined, { now: NOW + 10 * MIN });
    const rows = await query(`SELECT audit_id, log_name FROM audit_events ORDER BY audit_id`);
    expect(rows).toEqual([
      { audit_id: 'a1', log_name: A },
      { audit_id: 'a2', log_name: A },
      { audit_id: 'b1', log_name: B },
      { audit_id: 'b2', log_name: B },
      { audit_id: 'b3', log_name: B },
      { audit_id: 'c1', log_name: C },
      { audit_id: 'c2', log_name: C },
    ]);
  });

  it('a --since/--until backfill lands older events and does not move the watermark backwards', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const recent = double.generate(GROUP, { count: 50, from: NOW - 2 * H, to: NOW - H });
    await pull(config());
    const w = (await cursor())!.watermark_ms;
    const old = double.generate(GROUP, { count: 70, from: NOW - 5 * 24 * H, to: NOW - 4 * 24 * H });
    const r = await pull(config(), undefined, { now: NOW + MIN, window: { since: new Date(NOW - 6 * 24 * H), until: new Date(NOW - 3 * 24 * H) } });
    expect(r.stats.window_kind).toBe('backfill');
    expect(r.counts.landed).toBe(70);
    expect((await cursor())!.watermark_ms).toBe(w);
    expect(await auditIds()).toEqual([...expectedIds(recent), ...expectedIds(old)].sort());
  });

  it('a kill before any checkpoint commits, followed by a rerun, gives the rows of one clean pull', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 3000, from: NOW - 23 * H, to: NOW - 2 * MIN });
    const cfg = config();
    for (const killAt of [1, 2, 4, 7]) {
      const real = source(cfg);
      let n = 0;
      // The process "dies" at the killAt-th checkpoint: that batch and everything after it never commit.
      const dying: Source = {
        provider: 'eks',
        pull: (ctx, sink, checkpoint) =>
          real.pull(ctx, sink, async (state) => {
            if (++n >= killAt) throw new Error('killed');
            return checkpoint(state);
          }),
      };
      const r = await pull(cfg, dying, { checkpointBytes: 256 * 1024 });
      expect(r.status).toBe('failed');
      const ids = await auditIds();
      expect(new Set(ids).size).toBe(ids.length);
    }
    const r = await pull(cfg, source(cfg), { checkpointBytes: 256 * 1024 });
    expect(r.status).toBe('ok');
    expect(await auditIds()).toEqual(expectedIds(s));
    expect((await cursor())!.watermark_ms).toBe(NOW - SETTLE);
  });
});

describe('EKS source: posture', () => {
  it('reads audit logging, the other log types, the version, the log group and its retention', async () => {
    double.addCluster('prod', { version: '1.30', enabledLogTypes: ['audit', 'authenticator'] }).addLogGroup(GROUP, { retentionInDays: 90 });
    double.addLogGroup(`${GROUP}-other`); // same prefix: must not be taken for ours
    await pull(config());
    const f = await facts();
    expect(f.audit_log_enabled).toMatchObject({ status: 'known', value: true });
    expect(f.control_plane_log_types).toMatchObject({
      status: 'known',
      value: { api: false, audit: true, authenticator: true, controllerManager: false, scheduler: false },
    });
    expect(f.log_types).toMatchObject({ status: 'known', value: ['audit', 'authenticator'] }); // the coverage contract's shape
    expect(f.kubernetes_version).toMatchObject({ status: 'known', value: '1.30' });
    expect(f.log_group_exists).toMatchObject({ status: 'known', value: true });
    expect(f.retention_days).toMatchObject({ status: 'known', value: 90 });
    expect(f.log_group!.value).toMatchObject({ name: GROUP, account: ACCOUNT, region: REGION, class: 'STANDARD' });
  });

  it('a log group without retentionInDays never expires', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    await pull(config());
    const f = await facts();
    expect(f.retention_days!.status).toBe('known');
    expect(f.retention_days!.value).toBeNull();
    expect(f.retention_days!.reason).toContain('keeps its events forever');
  });

  it('a missing log group is the fact "no audit logs delivered", not a crash', async () => {
    double.addCluster('prod', { enabledLogTypes: [] });
    const r = await pull(config());
    expect(r.status).toBe('ok');
    expect(r.stats.log_group_missing).toBe(true);
    expect(r.counts.landed).toBe(0);
    const f = await facts();
    expect(f.audit_log_enabled).toMatchObject({ status: 'known', value: false });
    expect(f.log_group_exists).toMatchObject({ status: 'known', value: false });
    expect(f.log_group_exists!.reason).toContain('no audit logs delivered');
    expect(f.retention_days!.status).toBe('unknown');
    expect(double.requests.some((q) => q.op === 'FilterLogEvents' && q.error === 'ResourceNotFoundException')).toBe(true);
    expect(await cursor()).toBeUndefined();
  });

  it('AccessDenied on DescribeCluster makes those facts unknown with the missing action; the pull goes on', async () => {
    double.addCluster('prod').addLogGroup(GROUP, { retentionInDays: 30 });
    const s = double.generate(GROUP, { count: 120, from: NOW - 3 * H, to: NOW - 2 * H });
    double.denied.add('eks:DescribeCluster');
    const r = await pull(config());
    expect(r.status).toBe('ok');
    expect(await auditIds()).toEqual(expectedIds(s));
    const f = await facts();
    for (const name of ['audit_log_enabled', 'log_types', 'control_plane_log_types', 'kubernetes_version']) {
      expect(f[name]!.status).toBe('unknown');
      expect(f[name]!.reason).toContain('eks:DescribeCluster was denied: grant eks:DescribeCluster on arn:aws:eks:us-east-1:111122223333:cluster/prod');
      expect(f[name]!.reason).toContain(`arn:aws:iam::${ACCOUNT}:user/kubetrail`);
    }
    expect(f.retention_days).toMatchObject({ status: 'known', value: 30 });
  });

  it('AccessDenied on DescribeLogGroups makes the log-group facts unknown', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    double.denied.add('logs:DescribeLogGroups');
    const r = await pull(config());
    expect(r.status).toBe('ok');
    const f = await facts();
    expect(f.log_group_exists!.status).toBe('unknown');
    expect(f.log_group_exists!.reason).toContain('grant logs:DescribeLogGroups');
    expect(f.audit_log_enabled!.status).toBe('known');
  });
});

describe('EKS source: quota shared per account and region', () => {
  it('two clusters in one account share one limiter; the double never sees more than 5 requests in any second', async () => {
    // The double runs as its own process here, so the arrival times it records are not delayed by this
    // process's work (landing, parsing): what it measures is what the clients sent.
    const proc = await startDoubleProcess(['--clusters', 'alpha,beta', '--events', '1000', '--from', iso(NOW - 8 * H), '--to', iso(NOW - 2 * H), '--page-events', '50', '--quota', '5', '--account', ACCOUNT]);
    try {
      const info = proc.info;
      const quotas = new QuotaRegistry(); // one per run, as the pipeline has it
      const cfgs = info.clusters.map((c) =>
        eksCluster.parse({ name: `${c.cluster}-eks`, provider: 'eks', region: REGION, cluster: c.cluster, endpoint: info.endpoint, eksEndpoint: info.endpoint, stsEndpoint: info.endpoint }),
      );
      const results = await Promise.all(
        cfgs.map((c) =>
          pull(c, eksSource(c, { quotas }, { credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey }, retry: { baseDelayMs: 0, throttleBaseDelayMs: 0 } })),
        ),
      );
      for (const [k, r] of results.entries()) {
        expect(r.error).toBeUndefined();
        expect(r.stats.throttled).toBe(0);
        const input = new Series({ seed: k + 1, count: 1000, from: Date.parse(info.from), to: Date.parse(info.to) });
        expect(await auditIds(cfgs[k]!.name)).toEqual(expectedIds(input));
      }
      expect(quotas.all().map((q) => q.scope).sort()).toEqual([`cloudwatch:${ACCOUNT}:${REGION}`, `eks:${ACCOUNT}:${REGION}`]);
      const st = await proc.stats();
      expect(st.byOp.FilterLogEvents).toBeGreaterThanOrEqual(40);
      expect(st.throttledByDouble).toBe(0);
      expect(st.windows).toEqual([{ account: ACCOUNT, region: REGION, maxInOneSecond: 5 }]);
    } finally {
      await proc.stop();
    }
  });

  it('a roleArn that cannot be assumed is named, with what to fix, in the error and the posture facts', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    double.denied.add('sts:AssumeRole');
    const cfg = config({ roleArn: 'arn:aws:iam::444455556666:role/kubetrail-reader' });
    const r = await pull(cfg, source(cfg, roomyQuotas('444455556666')));
    expect(r.status).toBe('failed');
    expect(r.error).toContain('could not assume arn:aws:iam::444455556666:role/kubetrail-reader');
    expect(r.error).toContain('need sts:AssumeRole on that role');
    const f = await facts();
    expect(Object.keys(f).sort()).toEqual(['audit_log_enabled', 'control_plane_log_types', 'kubernetes_version', 'log_group', 'log_group_exists', 'log_types', 'retention_days']);
    for (const x of Object.values(f)) expect(x.status).toBe('unknown');
    expect(double.requests.filter((q) => q.service !== 'sts')).toEqual([]);
  });

  it('a fractional requestsPerSecond never allows more than that rate in any second', () => {
    expect(cloudWatchQuota(5)).toMatchObject({ limit: 5 });
    expect(cloudWatchQuota(2.5)).toMatchObject({ limit: 2 });
    expect(cloudWatchQuota(0.5).limit).toBe(1);
    expect(cloudWatchQuota(0.5).intervalMs).toBeGreaterThanOrEqual(2000);
    expect(eksCluster.safeParse({ name: 'x', provider: 'eks', region: REGION, cluster: 'x', requestsPerSecond: 6 }).success).toBe(false);
  });

  it('the double notices a client that ignores the quota (so the assertion above can fail)', async () => {
    await startDouble({ pageEvents: 50 });
    double.addLogGroup(GROUP);
    const client = new CloudWatchLogsClient({ endpoint: double.endpoint, region: REGION, credentials: creds, maxAttempts: 1 });
    await Promise.all(Array.from({ length: 12 }, () => client.send(new FilterLogEventsCommand({ logGroupName: GROUP }))));
    client.destroy();
    expect(double.maxInWindow(ACCOUNT)).toBe(12);
    expect(() => double.assertQuota(5)).toThrow(/12 CloudWatch Logs requests within 1000 ms for account 111122223333/);
  });

  it('assumes roleArn for another account and draws on that account’s quota', async () => {
    double.addCluster('prod').addLogGroup(GROUP);
    const s = double.generate(GROUP, { count: 150, from: NOW - 3 * H, to: NOW - 2 * H });
    const cfg = config({ roleArn: 'arn:aws:iam::444455556666:role/kubetrail-reader' });
    const quotas = roomyQuotas('444455556666');
    const r = await pull(cfg, source(cfg, quotas));
    expect(r.error).toBeUndefined();
    expect(r.stats.account).toBe('444455556666');
    expect(await auditIds()).toEqual(expectedIds(s));
    const assume = double.requests.filter((q) => q.op === 'AssumeRole');
    expect(assume.length).toBeGreaterThanOrEqual(1);
    expect(assume[0]!.params).toEqual({ RoleArn: 'arn:aws:iam::444455556666:role/kubetrail-reader', RoleSessionName: 'kubetrail-prod-eks' });
    expect(new Set(double.requests.filter((q) => q.service === 'logs').map((q) => q.account))).toEqual(new Set(['444455556666']));
    expect(quotas.all().map((q) => q.scope)).toContain('cloudwatch:444455556666:us-east-1');
  });
});
