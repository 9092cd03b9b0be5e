// Exec over WebSocket (kubectl 1.30+): the API server logs it as a `get` on pods/exec that answers 101
// Switching Protocols. The same event in the raw, CloudWatch, Azure diagnostic and AKSAudit envelopes
// must land field by field the same. The envelopes are ours, built from the providers' documentation.
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles } from '../helpers/land.js';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

const uri = '/api/v1/namespaces/shop/pods/web-7d9f/exec?command=sh&container=web&stdin=true&stdout=true&tty=true';
const event = (id: string) => ({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Request', auditID: id, stage: 'ResponseStarted',
  requestURI: uri, verb: 'get', user: { username: 'alice@example.com', groups: ['devs', 'system:authenticated'] },
  sourceIPs: ['203.0.113.9', '10.0.0.4'], userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
  objectRef: { resource: 'pods', namespace: 'shop', name: 'web-7d9f', apiVersion: 'v1', subresource: 'exec' },
  responseStatus: { metadata: {}, code: 101 },
  requestReceivedTimestamp: '2026-11-04T09:15:00.123456Z', stageTimestamp: '2026-11-04T09:15:00.234567Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by RoleBinding "devs/shop"' },
});
const RID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/prod';

describe('exec over WebSocket in every envelope', () => {
  it('lands verb get on pods/exec with the 101, the caller and the command line, the same from each', async () => {
    const files = {
      raw: ws.file('raw.log', JSON.stringify(event('ws-raw')) + '\n'),
      cloudwatch: ws.file('cw.jsonl', JSON.stringify({ logStreamName: 'kube-apiserver-audit-abc', timestamp: 1793790900123, ingestionTime: 1793790905000, eventId: '3791', message: JSON.stringify(event('ws-cw')) }) + '\n'),
      diagnostic: ws.file('diag.json', JSON.stringify({ records: [{ category: 'kube-audit', time: '2026-11-04T09:15:01Z', resourceId: RID, properties: { log: JSON.stringify(event('ws-diag')), pod: 'kube-apiserver-0' } }] }) + '\n'),
      aksaudit: ws.file('aks.jsonl', JSON.stringify((({ auditID, stage, level, requestURI, verb, user, sourceIPs, userAgent, objectRef, responseStatus, requestReceivedTimestamp, stageTimestamp, annotations }) => ({
        TimeGenerated: '2026-11-04T09:15:01Z', Type: 'AKSAudit', _ResourceId: RID, AuditId: auditID.replace('raw', 'aks'), Stage: stage, Level: level, RequestUri: requestURI, Verb: verb,
        User: user, SourceIps: sourceIPs, UserAgent: userAgent, ObjectRef: objectRef, ResponseStatus: responseStatus, RequestReceivedTime: requestReceivedTimestamp,
        StageReceivedTime: stageTimestamp, Annotations: annotations,
      }))(event('ws-raw'))) + '\n'),
    };
    for (const [name, f] of Object.entries(files)) {
      const r = await importFiles(ws.db, name, [f]);
      expect(r.counts.landed, name).toBe(1);
    }
    const rows = await ws.query(
      `SELECT cluster, verb, resource, subresource, namespace, name, request_uri, response_code, decision, user_name, user_groups, source_ips, user_agent, stage,
              request_received_at::VARCHAR AS rr, stage_at::VARCHAR AS st, authz_reason FROM audit_events ORDER BY cluster`,
    );
    const e = event('x');
    const want = {
      verb: 'get', resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-7d9f', request_uri: uri, response_code: 101, decision: 'allow',
      user_name: e.user.username, user_groups: e.user.groups, source_ips: e.sourceIPs, user_agent: e.userAgent, stage: 'ResponseStarted',
      rr: '2026-11-04 09:15:00.123456+00', st: '2026-11-04 09:15:00.234567+00', authz_reason: e.annotations['authorization.k8s.io/reason'],
    };
    expect(rows).toEqual(['aksaudit', 'cloudwatch', 'diagnostic', 'raw'].map((cluster) => ({ cluster, ...want })));
  });
});
