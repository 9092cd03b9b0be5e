// The FilterLogEvents envelope below is ours, built from the CloudWatch Logs API documentation
// (no public sample of a real page exists); the Sumo Logic forwarder shape is a real public sample.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../helpers/land.js';
import { SHARED_DATA, Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/kube-system/configmaps/aws-auth', verb: 'get',
  user: { username: 'kubernetes-admin', uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLE', groups: ['system:masters', 'system:authenticated'],
    extra: { arn: ['arn:aws:sts::111122223333:assumed-role/Admin/alice'], canonicalArn: ['arn:aws:iam::111122223333:role/Admin'], sessionName: ['alice'] } },
  sourceIPs: ['198.51.100.7'], userAgent: 'kubectl/v1.31.0',
  objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
  requestReceivedTimestamp: '2026-11-02T08:00:00.123456Z', stageTimestamp: '2026-11-02T08:00:00.130001Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  ...extra,
});
const cw = (id: string, ms: number, message: string) => ({
  logStreamName: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef', timestamp: ms, ingestionTime: ms + 42_000,
  eventId: `3741561287600848721934853727491245728349187634${id.length}`.padEnd(56, '7'), message,
});

describe('CloudWatch Logs events (EKS)', () => {
  it('reads FilterLogEvents event objects: the message is the Event, the envelope adds stream, id and ingestion time', async () => {
    const ms = Date.parse('2026-11-02T08:00:00.130Z');
    const rec = cw('cw-1', ms, JSON.stringify(event('cw-1')));
    const r = await importFiles(ws.db, 'eks-a', [ws.file('cw.jsonl', JSON.stringify(rec) + '\n')], { provider: 'eks' });
    expect(r.counts.landed).toBe(1);
    const [e] = await ws.query(`SELECT *, ingested_at::VARCHAR AS ing, stage_at::VARCHAR AS st FROM audit_events WHERE cluster = 'eks-a'`);
    expect(e!.provider).toBe('eks');
    expect(e!.envelope).toBe('cloudwatch-event');
    expect(e!.audit_id).toBe('cw-1');
    expect(e!.user_name).toBe('kubernetes-admin');
    expect(e!.user_extra).toEqual(event('x').user.extra);
    expect(e!.name).toBe('aws-auth');
    expect(e!.log_name).toBe(rec.logStreamName);
    expect(e!.provider_event_id).toBe(rec.eventId);
    expect(e!.ing).toBe('2026-11-02 08:00:42.13+00');
    expect(e!.st).toBe('2026-11-02 08:00:00.130001+00');
    expect(e!.envelope_record).toEqual({ logStreamName: rec.logStreamName, eventId: rec.eventId, timestamp: ms, ingestionTime: String(ms + 42_000) });
  });

  it('reads the {"events": [...]} output of aws logs filter-log-events', async () => {
    const ms = Date.parse('2026-11-02T09:00:00Z');
    const page = { events: [cw('p-1', ms, JSON.stringify(event('p-1'))), cw('p-2', ms + 1, JSON.stringify(event('p-2')))], searchedLogStreams: [] };
    const r = await importFiles(ws.db, 'eks-b', [ws.file('page.json', JSON.stringify(page, null, 2))], { provider: 'eks' });
    expect(r.counts.landed).toBe(2);
    expect(r.counts.quarantined).toBe(0);
    const rows = await ws.query(`SELECT audit_id, source_item FROM audit_events WHERE cluster = 'eks-b' ORDER BY audit_id`);
    expect(rows).toEqual([{ audit_id: 'p-1', source_item: 0 }, { audit_id: 'p-2', source_item: 1 }]);
  });

  it('quarantines a message CloudWatch cut short, with its line and reason, and lands the rest', async () => {
    const ms = Date.parse('2026-11-02T10:00:00Z');
    const whole = JSON.stringify(event('big', { requestObject: { kind: 'ConfigMap', data: { blob: 'x'.repeat(5000) } } }));
    const lines = [cw('ok-1', ms, JSON.stringify(event('ok-1'))), cw('cut', ms + 1, whole.slice(0, 3000)), cw('ok-2', ms + 2, JSON.stringify(event('ok-2')))];
    const f = ws.file('cut.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await importFiles(ws.db, 'eks-c', [f], { provider: 'eks' });
    expect(r.counts.landed).toBe(2);
    expect(r.counts.quarantined).toBe(1);
    const [q] = await ws.query(`SELECT source, source_line, envelope, reason FROM quarantine WHERE cluster = 'eks-c'`);
    expect(q).toEqual({ source: f, source_line: '2', envelope: 'cloudwatch-event', reason: 'CloudWatch message is not a JSON audit event (3000 characters: CloudWatch cuts events over its size limit)' });
  });

  it('reads a forwarder shape whose message is already an object (Sumo Logic sample, v1beta1)', async () => {
    const f = join(SHARED_DATA, 'sumologic', 'eks-control-plane.md.samples.jsonl');
    const src = JSON.parse(readFileSync(f, 'utf8').split('\n')[0]!);
    const r = await importFiles(ws.db, 'eks-d', [f], { provider: 'eks' });
    expect(r.counts.landed).toBe(1);
    const [e] = await ws.query(`SELECT audit_id, verb, resource, namespace, name, user_name, user_groups, response_code, envelope FROM audit_events WHERE cluster = 'eks-d'`);
    expect(e).toEqual({
      audit_id: src.message.auditID, verb: 'get', resource: 'secrets', namespace: 'kube-system', name: 'kube-proxy-token-w7wkr',
      user_name: 'system:apiserver', user_groups: ['system:masters'], response_code: 200, envelope: 'cloudwatch-event',
    });
  });
});
