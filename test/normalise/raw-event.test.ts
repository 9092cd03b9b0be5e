import { afterAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../helpers/land.js';
import { SHARED_DATA, Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());
const falco = (f: string) => join(SHARED_DATA, 'falco', f);

describe('raw audit.k8s.io events', () => {
  it('maps a v1 exec event field by field (Falco trace, SPDY exec = create on pods/exec)', async () => {
    const r = await importFiles(ws.db, 'c-exec', [falco('exec_pod.json')]);
    expect(r.status).toBe('ok');
    const [e] = await ws.query(`SELECT *, stage_at::VARCHAR AS st, request_received_at::VARCHAR AS rr FROM audit_events WHERE cluster = 'c-exec'`);
    const src = JSON.parse(readFileSync(falco('exec_pod.json'), 'utf8'));
    expect(e!.audit_id).toBe(src.auditID);
    expect(e!.stage).toBe('ResponseStarted');
    expect(e!.level).toBe('Request');
    expect(e!.verb).toBe('create');
    expect(e!.resource).toBe('pods');
    expect(e!.subresource).toBe('exec');
    expect(e!.namespace).toBe('default');
    expect(e!.name).toBe(src.objectRef.name);
    expect(e!.api_group).toBe(null);
    expect(e!.api_version).toBe('v1');
    expect(e!.user_name).toBe('minikube-user');
    expect(e!.user_groups).toEqual(['system:masters', 'system:authenticated']);
    expect(e!.source_ips).toEqual(['192.168.99.1']);
    expect(e!.response_code).toBe(101);
    expect(e!.decision).toBe('allow');
    expect(e!.request_uri).toBe(src.requestURI);
    // microseconds kept: 2018-10-26T13:38:34.902914Z
    expect(e!.st).toBe('2018-10-26 13:38:34.902914+00');
    expect(e!.rr).toBe('2018-10-26 13:38:34.867116+00');
    expect(e!.envelope).toBe('raw-event');
    expect(e!.source).toBe(falco('exec_pod.json'));
    expect(e!.source_line).toBe('1');
  });

  it('reads v1beta1 events and events without apiVersion, level or stage', async () => {
    const files = ['create_nginx_pod_privileged.json', 'create_clusterrolebinding.json', 'anonymous_creates_namespace_foo.json'].map(falco);
    const r = await importFiles(ws.db, 'c-old', files);
    expect(r.counts.quarantined).toBe(0);
    const rows = await ws.query(`SELECT audit_id, stage, level, verb, resource, user_name FROM audit_events WHERE cluster = 'c-old' ORDER BY audit_id`);
    const expected = files
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()))
      .map((l) => JSON.parse(l))
      .map((e) => ({ audit_id: e.auditID, stage: e.stage ?? 'Unknown', level: e.level ?? null, verb: e.verb, resource: e.objectRef?.resource ?? null, user_name: e.user?.username ?? null }))
      .sort((a, b) => a.audit_id.localeCompare(b.audit_id));
    expect(rows).toEqual(expected);
  });

  it('reads one event per line, a JSON array, a single pretty-printed object, and gzip', async () => {
    const events = [1, 2, 3].map((n) => ({
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `00000000-0000-4000-8000-00000000000${n}`, stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/default/configmaps/cm-${n}`, verb: 'get', user: { username: 'alice' }, sourceIPs: ['10.0.0.1'],
      objectRef: { resource: 'configmaps', namespace: 'default', name: `cm-${n}`, apiVersion: 'v1' }, responseStatus: { code: 200 },
      requestReceivedTimestamp: '2026-11-01T10:00:00.000001Z', stageTimestamp: `2026-11-01T10:00:0${n}.123456Z`,
    }));
    const lines = ws.file('lines.log', events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const array = ws.file('array.json', JSON.stringify(events, null, 2));
    const single = ws.file('single.json', JSON.stringify(events[0], null, 2));
    const gz = ws.file('rotated.log.1.gz', gzipSync(events.map((e) => JSON.stringify(e)).join('\n') + '\n'));
    for (const [cluster, f] of [['c-lines', lines], ['c-array', array], ['c-single', single], ['c-gz', gz]] as const) {
      const r = await importFiles(ws.db, cluster, [f]);
      expect(r.counts.quarantined, cluster).toBe(0);
      const rows = await ws.query(`SELECT name, stage_at::VARCHAR AS t, source_line, source_item FROM audit_events WHERE cluster = $1 ORDER BY name`, [cluster]);
      const want = cluster === 'c-single' ? events.slice(0, 1) : events;
      expect(rows.map((x) => x.name)).toEqual(want.map((e) => e.objectRef.name));
      expect(rows.map((x) => x.t)).toEqual(want.map((e) => e.stageTimestamp.replace('T', ' ').replace('Z', '+00')));
      if (cluster === 'c-array') expect(rows.map((x) => x.source_item)).toEqual([0, 1, 2]);
      if (cluster === 'c-lines' || cluster === 'c-gz') expect(rows.map((x) => x.source_line)).toEqual(['1', '2', '3']);
    }
  });

  it('keeps impersonation, extra, object uid and the whole response status', async () => {
    const e = {
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Request', auditID: 'imp-1', stage: 'ResponseComplete', verb: 'get',
      requestURI: '/api/v1/namespaces/kube-system/secrets/x', user: { username: 'bob', uid: 'u-1', groups: ['devs'], extra: { 'authentication.kubernetes.io/pod-name': ['p-1'] } },
      impersonatedUser: { username: 'system:admin', groups: ['system:masters'] }, sourceIPs: ['203.0.113.9', '10.0.0.2'],
      objectRef: { resource: 'secrets', namespace: 'kube-system', name: 'x', uid: 'obj-uid', resourceVersion: '77', apiVersion: 'v1' },
      responseStatus: { code: 403, status: 'Failure', reason: 'Forbidden', message: 'secrets "x" is forbidden' },
      annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': 'no RBAC policy matched' },
      requestReceivedTimestamp: '2026-11-01T10:00:00.5Z', stageTimestamp: '2026-11-01T10:00:00.6Z',
    };
    await importFiles(ws.db, 'c-imp', [ws.file('imp.log', JSON.stringify(e) + '\n')]);
    const [r] = await ws.query(`SELECT * FROM audit_events WHERE cluster = 'c-imp'`);
    expect(r!.impersonated_user).toBe('system:admin');
    expect(r!.impersonated_groups).toEqual(['system:masters']);
    expect(r!.user_uid).toBe('u-1');
    expect(r!.user_extra).toEqual({ 'authentication.kubernetes.io/pod-name': ['p-1'] });
    expect(r!.source_ips).toEqual(['203.0.113.9', '10.0.0.2']);
    expect(r!.object_uid).toBe('obj-uid');
    expect(r!.object_resource_version).toBe('77');
    expect(r!.response_code).toBe(403);
    expect(r!.decision).toBe('forbid');
    expect(r!.authz_reason).toBe('no RBAC policy matched');
    expect(r!.response_status).toEqual(e.responseStatus);
  });
});
