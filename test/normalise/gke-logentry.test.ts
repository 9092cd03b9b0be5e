// Real GKE entries come from Elastic's public test data; the extra entries below are ours, written to the
// LogEntry / AuditLog JSON format `gcloud logging read --format=json` prints.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../helpers/land.js';
import { SHARED_DATA, Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());
const elastic = (f: string) => join(SHARED_DATA, 'elastic', 'gcp-audit', f);

const entry = (over: { method: string; resourceName: string; status?: unknown; principal?: string; granted?: boolean; op?: unknown; labels?: Record<string, string>; request?: unknown; response?: unknown; insertId: string }) => ({
  insertId: over.insertId,
  logName: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity',
  operation: over.op ?? { id: `${over.insertId}-op`, producer: 'k8s.io', first: true, last: true },
  protoPayload: {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    serviceName: 'k8s.io',
    methodName: over.method,
    resourceName: over.resourceName,
    authenticationInfo: { principalEmail: over.principal ?? 'alice@example.com' },
    authorizationInfo: [{ permission: over.method, resource: over.resourceName, ...(over.granted === false ? {} : { granted: true }) }],
    requestMetadata: { callerIp: '203.0.113.10', callerSuppliedUserAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/abc' },
    ...(over.status === undefined ? { status: {} } : over.status === null ? {} : { status: over.status }),
    ...(over.request ? { request: over.request } : {}),
    ...(over.response ? { response: over.response } : {}),
  },
  receiveTimestamp: '2026-11-03T12:00:14.987654321Z',
  resource: { type: 'k8s_cluster', labels: { project_id: 'acme-prod', location: 'europe-west1', cluster_name: 'prod' } },
  timestamp: '2026-11-03T12:00:00.123456789Z',
  labels: over.labels ?? { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'access granted by IAM permissions.' },
});

describe('Cloud Logging LogEntry with an AuditLog payload (GKE)', () => {
  it('maps a denied anonymous probe faithfully: status 7 -> 403, decision forbid, caller IP, non-resource URI', async () => {
    const r = await importFiles(ws.db, 'gke-a', [elastic('test-k8s-nonmatching-resourcename.log')], { provider: 'gke' });
    expect(r.counts.landed).toBe(1);
    const [e] = await ws.query(`SELECT *, stage_at::VARCHAR AS st, ingested_at::VARCHAR AS ing FROM audit_events WHERE cluster = 'gke-a'`);
    expect(e).toMatchObject({
      audit_id: 'k8s-nonmatch-0001', provider_event_id: 'k8s-nonmatch-0001', stage: 'ResponseComplete', verb: 'get',
      user_name: 'system:anonymous', source_ips: ['192.168.1.1'], user_agent: 'Mozilla/5.0', resource: null,
      request_uri: '/HNAP1', response_code: 403, decision: 'forbid', envelope: 'gke-logentry', level: null,
      log_name: 'projects/example-project/logs/cloudaudit.googleapis.com%2Fdata_access',
    });
    expect(e!.st).toBe('2021-04-23 14:47:07.535383+00');
    expect(e!.ing).toBe('2021-04-23 14:47:31.948229+00');
  });

  it('maps real Data Access entries: group, version, namespace from resourceName; core is the empty group', async () => {
    await importFiles(ws.db, 'gke-b', [elastic('test-audit.log.k8s-subset.jsonl')], { provider: 'gke' });
    const rows = await ws.query(`SELECT verb, api_group, api_version, resource, namespace, name, request_uri, response_code, decision FROM audit_events WHERE cluster = 'gke-b' ORDER BY request_uri`);
    expect(rows).toContainEqual({ verb: 'list', api_group: '', api_version: 'v1', resource: 'nodes', namespace: null, name: null, request_uri: '/api/v1/nodes', response_code: 200, decision: 'allow' });
    expect(rows).toContainEqual({ verb: 'list', api_group: 'extensions', api_version: 'v1beta1', resource: 'ingresses', namespace: 'cos-auditd', name: null, request_uri: '/apis/extensions/v1beta1/namespaces/cos-auditd/ingresses', response_code: 200, decision: 'allow' });
    expect(rows).toContainEqual({ verb: 'create', api_group: 'authorization.k8s.io', api_version: 'v1beta1', resource: 'subjectaccessreviews', namespace: null, name: null, request_uri: '/apis/authorization.k8s.io/v1beta1/subjectaccessreviews', response_code: 200, decision: 'allow' });
  });

  it('maps exec over WebSocket (get), unauthenticated calls (16 -> 401), long-running stages, labels and bodies', async () => {
    const lines = [
      entry({ insertId: 'e-ws', method: 'io.k8s.core.v1.pods.exec.get', resourceName: 'core/v1/namespaces/shop/pods/web-0/exec' }),
      entry({ insertId: 'e-spdy', method: 'io.k8s.core.v1.pods.exec.create', resourceName: 'core/v1/namespaces/shop/pods/web-0/exec' }),
      entry({ insertId: 'e-401', method: 'io.k8s.core.v1.secrets.list', resourceName: 'core/v1/secrets', principal: 'system:unauthenticated', status: { code: 16, message: 'Unauthorized' }, granted: false, labels: {} }),
      entry({ insertId: 'e-started', method: 'io.k8s.core.v1.pods.watch', resourceName: 'core/v1/namespaces/shop/pods', op: { id: 'watch-1', producer: 'k8s.io', first: true } }),
      entry({ insertId: 'e-done', method: 'io.k8s.core.v1.pods.watch', resourceName: 'core/v1/namespaces/shop/pods', op: { id: 'watch-1', producer: 'k8s.io', last: true } }),
      entry({ insertId: 'e-rb', method: 'io.k8s.authorization.rbac.v1.clusterrolebindings.create', resourceName: 'rbac.authorization.k8s.io/v1/clusterrolebindings/pwn',
        request: { '@type': 'rbac.authorization.k8s.io/v1.ClusterRoleBinding', roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } } }),
      entry({ insertId: 'e-conflict', method: 'io.k8s.core.v1.pods.create', resourceName: 'core/v1/namespaces/shop/pods/web-0', status: { code: 6, message: 'pods "web-0" already exists' },
        response: { '@type': 'core.k8s.io/v1.Status', code: 409, reason: 'AlreadyExists' } }),
      entry({ insertId: 'e-nostatus', method: 'io.k8s.core.v1.namespaces.status.update', resourceName: 'core/v1/namespaces/shop/status', status: null }),
    ];
    const r = await importFiles(ws.db, 'gke-c', [ws.file('gke.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'))], { provider: 'gke' });
    expect(r.counts.landed).toBe(lines.length);
    const q = async (id: string) => (await ws.query(`SELECT * FROM audit_events WHERE cluster = 'gke-c' AND provider_event_id = $1`, [id]))[0]!;
    expect(await q('e-ws')).toMatchObject({ verb: 'get', resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-0', response_code: 200, decision: 'allow', request_uri: '/api/v1/namespaces/shop/pods/web-0/exec' });
    expect(await q('e-spdy')).toMatchObject({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'web-0' });
    expect(await q('e-401')).toMatchObject({ verb: 'list', resource: 'secrets', namespace: null, name: null, user_name: 'system:unauthenticated', response_code: 401, decision: 'forbid' });
    expect(await q('e-started')).toMatchObject({ audit_id: 'watch-1', stage: 'ResponseStarted', verb: 'watch' });
    expect(await q('e-done')).toMatchObject({ audit_id: 'watch-1', stage: 'ResponseComplete' });
    const rb = await q('e-rb');
    expect(rb).toMatchObject({ api_group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', name: 'pwn', verb: 'create' });
    expect(rb.request_object).toEqual(lines[5]!.protoPayload.request);
    expect(rb.annotations).toEqual(lines[5]!.labels);
    expect((rb.envelope_record as Record<string, unknown>).insertId).toBe('e-rb');
    expect(await q('e-conflict')).toMatchObject({ response_code: 409 });
    // no status in the entry: no outcome is invented
    expect(await q('e-nostatus')).toMatchObject({ response_code: null, resource: 'namespaces', subresource: 'status', name: 'shop', namespace: null });
  });

  it('skips Cloud Audit Log entries of other services, counting them', async () => {
    const other = { ...entry({ insertId: 'vm', method: 'v1.compute.instances.insert', resourceName: 'projects/acme/zones/a/instances/x' }) };
    other.protoPayload.serviceName = 'compute.googleapis.com';
    const r = await importFiles(ws.db, 'gke-d', [ws.file('other.jsonl', JSON.stringify(other) + '\n')], { provider: 'gke' });
    expect(r.counts).toMatchObject({ landed: 0, skipped: 1, quarantined: 0 });
    expect(Object.keys(r.counts.skipReasons)).toEqual(['Cloud Audit Log entry of compute.googleapis.com (v1.compute.instances.insert), not Kubernetes']);
  });
});
