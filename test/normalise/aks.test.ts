// Azure diagnostic records come from Elastic's public test data. The AKSAudit and AzureDiagnostics rows
// are ours, written from the Log Analytics table reference (no public sample of either exists).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../helpers/land.js';
import { SHARED_DATA, Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());
const RID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/prod';

const event = (id: string, over: Record<string, unknown> = {}) => ({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'RequestResponse', auditID: id, stage: 'ResponseComplete',
  requestURI: '/apis/apps/v1/namespaces/shop/deployments', verb: 'create',
  user: { username: 'masterclient', groups: ['system:masters', 'system:authenticated'] }, sourceIPs: ['20.1.2.3'], userAgent: 'kubectl/v1.30.1',
  objectRef: { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 201 },
  requestObject: { kind: 'Deployment', metadata: { name: 'web' } }, responseObject: { kind: 'Deployment', metadata: { name: 'web', uid: 'd-1' } },
  requestReceivedTimestamp: '2026-11-04T07:00:00.000100Z', stageTimestamp: '2026-11-04T07:00:00.020200Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' }, ...over,
});

describe('AKS envelopes', () => {
  it('reads diagnostic records with properties.log as a string (Elastic sample) and keeps the category', async () => {
    const f = join(SHARED_DATA, 'elastic', 'kubernetes-audit_logs', 'test-kube-audit.log');
    const src = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const r = await importFiles(ws.db, 'aks-a', [f], { provider: 'aks' });
    expect(r.counts.quarantined).toBe(0);
    const rows = await ws.query(`SELECT audit_id, verb, user_name, user_groups, log_name, envelope FROM audit_events WHERE cluster = 'aks-a' ORDER BY audit_id`);
    const want = src.map((rec) => {
      const e = typeof rec.properties.log === 'string' ? JSON.parse(rec.properties.log) : rec.properties.log;
      return { audit_id: e.auditID, verb: e.verb, user_name: e.user.username, user_groups: e.user.groups, log_name: rec.category, envelope: 'azure-diagnostic' };
    });
    expect(rows).toEqual(want.sort((a, b) => a.audit_id.localeCompare(b.audit_id)));
  });

  it('reads {"records": [...]} batches, properties.log as an object, and kube-audit-admin', async () => {
    const batch = { records: [
      { category: 'kube-audit-admin', time: '2026-11-04T07:00:01Z', resourceId: RID, operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read', properties: { log: JSON.stringify(event('b-1')), pod: 'kube-apiserver-1' } },
      { category: 'kube-audit-admin', time: '2026-11-04T07:00:02Z', resourceId: RID, properties: { log: event('b-2'), pod: 'kube-apiserver-1' } },
      { category: 'kube-apiserver', time: '2026-11-04T07:00:03Z', resourceId: RID, properties: { log: 'I1104 07:00:03 some apiserver line', pod: 'kube-apiserver-1' } },
    ] };
    const f = ws.file('eventhub.json', JSON.stringify(batch) + '\n');
    const r = await importFiles(ws.db, 'aks-b', [f], { provider: 'aks' });
    expect(r.counts).toMatchObject({ landed: 2, skipped: 1, quarantined: 0 });
    const rows = await ws.query(`SELECT audit_id, log_name, source_line, source_item, envelope_record FROM audit_events WHERE cluster = 'aks-b' ORDER BY audit_id`);
    expect(rows.map((x) => [x.audit_id, x.log_name, x.source_line, x.source_item])).toEqual([['b-1', 'kube-audit-admin', '1', 0], ['b-2', 'kube-audit-admin', '1', 1]]);
    expect((rows[0]!.envelope_record as { properties: unknown }).properties).toEqual({ pod: 'kube-apiserver-1' });
  });

  it('reads AKSAudit rows (PascalCase, dynamic columns as objects or strings) and flags bodies AKS dropped for size', async () => {
    const rows = [
      { TimeGenerated: '2026-11-04T07:00:05.123Z', IngestionTime: '2026-11-04T07:01:10Z', Type: 'AKSAudit', _ResourceId: RID.toLowerCase(), AuditId: 'row-1', Level: 'RequestResponse', Stage: 'ResponseComplete',
        RequestUri: '/api/v1/namespaces/shop/configmaps/big', Verb: 'update', User: { username: 'system:serviceaccount:shop:deployer', groups: ['system:serviceaccounts'] },
        SourceIps: ['10.224.0.5'], UserAgent: 'helm/3.14', ObjectRef: JSON.stringify({ resource: 'configmaps', namespace: 'shop', name: 'big', apiVersion: 'v1' }),
        ResponseStatus: { code: 200 }, RequestObject: 'skipped-too-big-size-object', ResponseObject: 'skipped-too-big-size-object',
        RequestReceivedTime: '2026-11-04T07:00:05.000001Z', StageReceivedTime: '2026-11-04T07:00:05.100002Z', Annotations: { 'authorization.k8s.io/decision': 'allow' }, PodName: 'kube-apiserver-2' },
      { TimeGenerated: '2026-11-04T07:00:06Z', Type: 'AKSAuditAdmin', AuditId: 'row-2', Level: 'Metadata', Stage: 'ResponseComplete', RequestUri: '/api/v1/namespaces/shop/secrets/db', Verb: 'delete',
        User: JSON.stringify({ username: 'alice@contoso.com', groups: ['aad-group-1'] }), SourceIps: JSON.stringify(['20.9.9.9']), ObjectRef: { resource: 'secrets', namespace: 'shop', name: 'db' },
        ResponseStatus: JSON.stringify({ code: 403 }), RequestReceivedTime: '2026-11-04T07:00:06Z', StageReceivedTime: '2026-11-04T07:00:06.5Z', Annotations: JSON.stringify({ 'authorization.k8s.io/decision': 'forbid' }) },
    ];
    const f = ws.file('aksaudit.jsonl', rows.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const r = await importFiles(ws.db, 'aks-c', [f], { provider: 'aks' });
    expect(r.counts).toMatchObject({ landed: 2, quarantined: 0 });
    const got = await ws.query(`SELECT *, ingested_at::VARCHAR AS ing, stage_at::VARCHAR AS st FROM audit_events WHERE cluster = 'aks-c' ORDER BY audit_id`);
    expect(got[0]).toMatchObject({ audit_id: 'row-1', envelope: 'aks-table', log_name: 'AKSAudit', verb: 'update', resource: 'configmaps', name: 'big', user_name: 'system:serviceaccount:shop:deployer',
      source_ips: ['10.224.0.5'], response_code: 200, decision: 'allow', body_truncated: true, request_object: 'skipped-too-big-size-object', ing: '2026-11-04 07:01:10+00', st: '2026-11-04 07:00:05.100002+00' });
    expect(got[1]).toMatchObject({ audit_id: 'row-2', log_name: 'AKSAuditAdmin', verb: 'delete', resource: 'secrets', user_name: 'alice@contoso.com', user_groups: ['aad-group-1'],
      source_ips: ['20.9.9.9'], response_code: 403, decision: 'forbid', body_truncated: false });
  });

  it('reads AzureDiagnostics rows (the Event in log_s) and skips other categories', async () => {
    const rows = [
      { TimeGenerated: '2026-11-04T08:00:00Z', Category: 'kube-audit', ResourceId: RID.toUpperCase(), _ResourceId: RID.toLowerCase(), log_s: JSON.stringify(event('ad-1')), pod_s: 'kube-apiserver-3' },
      { TimeGenerated: '2026-11-04T08:00:01Z', Category: 'guard', _ResourceId: RID.toLowerCase(), log_s: 'guard: some message' },
    ];
    const r = await importFiles(ws.db, 'aks-d', [ws.file('azd.jsonl', rows.map((x) => JSON.stringify(x)).join('\n') + '\n')], { provider: 'aks' });
    expect(r.counts).toMatchObject({ landed: 1, skipped: 1, quarantined: 0 });
    const [e] = await ws.query(`SELECT audit_id, envelope, log_name, user_name, resource, response_code FROM audit_events WHERE cluster = 'aks-d'`);
    expect(e).toEqual({ audit_id: 'ad-1', envelope: 'aks-azurediagnostics', log_name: 'kube-audit', user_name: 'masterclient', resource: 'deployments', response_code: 201 });
  });
});
