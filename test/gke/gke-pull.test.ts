import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { gkeEntry, traffic } from '../fakes/gke-entries.js';
import { Harness } from './harness.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const HOUR = 3600e3;
let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

describe('GKE pull through the real client and pullCluster', () => {
  it('pages through 2,500 entries with tokens and lands each once, never looking for credentials', async () => {
    // With `insecure: true` the client must not consult ADC: a credentials file that does not exist would fail it.
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/nonexistent/kubetrail-test-key.json';
    onTestFinished(() => {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    });
    h.fake.addEntries(traffic({ project: 'acme-prod', clusters: [{ location: 'europe-west1', cluster: 'prod' }], count: 2500, startMs: NOW.getTime() - 2 * HOUR, spacingMs: 1000 }));
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    expect(r!.error).toBeUndefined();
    expect(r!.status).toBe('ok');
    const calls = h.fake.listCalls('acme-prod');
    expect(calls.map((c) => Boolean(c.pageToken))).toEqual([false, true, true]);
    expect(calls.every((c) => c.pageSize === 1000)).toBe(true);
    const { n, ids } = (await h.query(`SELECT count(*)::INTEGER AS n, count(DISTINCT provider_event_id)::INTEGER AS ids FROM audit_events`))[0]!;
    expect(n).toBe(2500);
    expect(ids).toBe(2500);
  });
});

const at = (minutesBeforeNow: number, extraNs = '') => new Date(NOW.getTime() - minutesBeforeNow * 60e3).toISOString().replace('Z', `${extraNs}Z`);
const base = { project: 'acme-prod', location: 'europe-west1', cluster: 'prod' };

describe('GKE entries land field by field', () => {
  beforeEach(() => {
    h.fake.addEntries([
      gkeEntry({
        ...base,
        insertId: 'exec-create-1',
        operationId: '3f1c1e70-8a0e-4b7e-9a55-0c2b1b8a0001',
        timestamp: at(50, '123456'), // .000123456 -> 9 fractional digits
        receiveTimestamp: at(49.5),
        method: 'io.k8s.core.v1.pods.exec.create',
        resourceName: 'core/v1/namespaces/payments/pods/api-7d9f/exec',
        principal: 'mallory@example.com',
        callerIp: '198.51.100.23',
        userAgent: 'kubectl/v1.29.1 (linux/amd64) kubernetes/1234567',
        labels: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "ops"' },
      }),
      gkeEntry({
        ...base,
        insertId: 'exec-get-1',
        operationId: '3f1c1e70-8a0e-4b7e-9a55-0c2b1b8a0002',
        timestamp: at(40),
        receiveTimestamp: at(39.9),
        method: 'io.k8s.core.v1.pods.exec.get',
        resourceName: 'core/v1/namespaces/payments/pods/api-7d9f/exec',
        principal: 'mallory@example.com',
        log: 'data_access',
      }),
      gkeEntry({
        ...base,
        insertId: 'denied-1',
        operationId: '3f1c1e70-8a0e-4b7e-9a55-0c2b1b8a0003',
        timestamp: at(30),
        receiveTimestamp: at(29.8),
        method: 'io.k8s.core.v1.secrets.list',
        resourceName: 'core/v1/namespaces/kube-system/secrets',
        principal: 'system:anonymous',
        callerIp: '192.0.2.99',
        rpcCode: 7,
        statusMessage: 'secrets is forbidden: User "system:anonymous" cannot list resource "secrets"',
        granted: false,
      }),
      gkeEntry({
        ...base,
        insertId: 'unauth-1',
        operationId: '3f1c1e70-8a0e-4b7e-9a55-0c2b1b8a0004',
        timestamp: at(20),
        receiveTimestamp: at(19.9),
        method: 'io.k8s.core.v1.namespaces.list',
        resourceName: 'core/v1/namespaces',
        principal: 'system:anonymous',
        rpcCode: 16,
        noAuthorization: true,
        log: 'data_access',
      }),
      gkeEntry({
        ...base,
        insertId: 'deploy-create-1',
        operationId: '3f1c1e70-8a0e-4b7e-9a55-0c2b1b8a0005',
        timestamp: at(10),
        receiveTimestamp: at(9.9),
        method: 'io.k8s.apps.v1.deployments.create',
        resourceName: 'apps/v1/namespaces/payments/deployments/miner',
        principal: 'system:serviceaccount:ci:deployer',
        request: { '@type': 'apps.k8s.io/v1.Deployment', apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'miner', namespace: 'payments' }, spec: { replicas: 3, paused: false, template: { spec: { containers: [{ name: 'x', image: 'evil/miner:1', securityContext: { privileged: true } }] } } } },
      }),
      // Another project and another cluster: never asked for.
      gkeEntry({ ...base, project: 'other-proj', insertId: 'elsewhere-1', timestamp: at(5), method: 'io.k8s.core.v1.pods.list', resourceName: 'core/v1/pods' }),
      gkeEntry({ ...base, cluster: 'staging', insertId: 'staging-1', timestamp: at(5), method: 'io.k8s.core.v1.pods.list', resourceName: 'core/v1/pods' }),
    ]);
  });

  const row = async (pid: string) => (await h.query(`SELECT * EXCLUDE (landed_at) FROM audit_events WHERE provider_event_id = $1`, [pid]))[0]!;

  it('reads both audit logs and only this cluster', async () => {
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    expect(r!.status).toBe('ok');
    const logs = await h.query(`SELECT provider_event_id AS id, log_name FROM audit_events ORDER BY event_time`);
    expect(logs).toEqual([
      { id: 'exec-create-1', log_name: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity' },
      { id: 'exec-get-1', log_name: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Fdata_access' },
      { id: 'denied-1', log_name: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Fdata_access' },
      { id: 'unauth-1', log_name: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Fdata_access' },
      { id: 'deploy-create-1', log_name: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity' },
    ]);
    expect(r!.counts.landed).toBe(5);
  });

  it('maps exec via create (SPDY) and via get (WebSocket)', async () => {
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const c = await row('exec-create-1');
    expect(c.cluster).toBe('prod-gke');
    expect(c.provider).toBe('gke');
    expect(c.envelope).toBe('gke-logentry');
    expect(c.audit_id).toBe('3f1c1e70-8a0e-4b7e-9a55-0c2b1b8a0001');
    expect(c.stage).toBe('ResponseComplete');
    expect(c.verb).toBe('create');
    expect(c.api_group).toBe('');
    expect(c.api_version).toBe('v1');
    expect(c.resource).toBe('pods');
    expect(c.subresource).toBe('exec');
    expect(c.namespace).toBe('payments');
    expect(c.name).toBe('api-7d9f');
    expect(c.request_uri).toBe('/api/v1/namespaces/payments/pods/api-7d9f/exec');
    expect(c.user_name).toBe('mallory@example.com');
    expect(c.source_ips).toEqual(['198.51.100.23']);
    expect(c.user_agent).toBe('kubectl/v1.29.1 (linux/amd64) kubernetes/1234567');
    expect(c.response_code).toBe(200);
    expect(c.decision).toBe('allow');
    expect(c.authz_reason).toBe('RBAC: allowed by ClusterRoleBinding "ops"');
    // 50 min before NOW plus 123456 ns: DuckDB keeps microseconds.
    expect(c.stage_at).toBe('2026-11-20 11:10:00.000123+00');
    expect(c.ingested_at).toBe('2026-11-20 11:10:30+00');
    expect(c.source).toBe('cloudlogging:projects/acme-prod/locations/europe-west1/clusters/prod');
    const g = await row('exec-get-1');
    expect([g.verb, g.resource, g.subresource, g.name, g.namespace]).toEqual(['get', 'pods', 'exec', 'api-7d9f', 'payments']);
  });

  it('maps a denied call (status 7) to 403/forbid and an unauthenticated one (16) to 401', async () => {
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const d = await row('denied-1');
    expect(d.user_name).toBe('system:anonymous');
    expect(d.response_code).toBe(403);
    expect(d.decision).toBe('forbid');
    expect(d.verb).toBe('list');
    expect(d.resource).toBe('secrets');
    expect(d.namespace).toBe('kube-system');
    expect(d.name).toBeNull();
    expect(JSON.parse(String(d.response_status))).toMatchObject({ code: 403, grpcCode: 7, message: 'secrets is forbidden: User "system:anonymous" cannot list resource "secrets"' });
    const u = await row('unauth-1');
    expect(u.user_name).toBe('system:anonymous');
    expect(u.response_code).toBe(401);
    expect(u.decision).toBeNull();
  });

  it('keeps request bodies as the JSON the API server logged', async () => {
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const c = await row('deploy-create-1');
    expect(JSON.parse(String(c.request_object))).toEqual({
      '@type': 'apps.k8s.io/v1.Deployment',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'miner', namespace: 'payments' },
      spec: { replicas: 3, paused: false, template: { spec: { containers: [{ name: 'x', image: 'evil/miner:1', securityContext: { privileged: true } }] } } },
    });
    expect(c.response_object).toBeNull();
    expect(c.user_name).toBe('system:serviceaccount:ci:deployer');
    expect(c.api_group).toBe('apps');
  });
});
