// RequestResponse-level events that carry credentials, in the raw, CloudWatch and AKS envelopes: after
// landing, no credential value may be anywhere in the database file, and the markers say what was removed.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { importFiles } from '../helpers/land.js';
import { Workspace } from '../helpers/workspace.js';
import { Database } from '../../src/store/database.js';

const ws = new Workspace();
afterAll(() => ws.remove());

// Distinct, searchable values: if any of them is in the file, redaction failed.
const SECRET_B64 = Buffer.from('hunter2-correct-horse-battery').toString('base64');
const STRING_DATA = 'plaintext-stringdata-0451';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.tokenrequest-payload-9931.sig';
const REVIEW_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.tokenreview-payload-7713.sig';
const PATCH_VALUE = Buffer.from('patched-secret-value-2208').toString('base64');
const CM_PASSWORD = 'cm-password-value-6620';
const AWS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9918';
const CM_APPLIED = 'cm-applied-password-3141';
const POD_ENV = 'pod-env-password-2718';
const DEPLOY_TOKEN = 'deploy-api-token-1618';
const MARKER = '[redacted by kubetrail]';

const base = (id: string, resource: string, verb: string, over: Record<string, unknown>): Record<string, any> => ({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'RequestResponse', auditID: id, stage: 'ResponseComplete', verb,
  requestURI: `/api/v1/namespaces/app/${resource}`, user: { username: 'alice' }, sourceIPs: ['10.1.1.1'],
  objectRef: { resource, namespace: 'app', name: 'db', apiVersion: 'v1' }, responseStatus: { code: 200 },
  requestReceivedTimestamp: '2026-11-05T10:00:00Z', stageTimestamp: '2026-11-05T10:00:00.1Z', ...over,
});
const secret = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { password: SECRET_B64 } }) } }, data: { password: SECRET_B64 }, stringData: { url: STRING_DATA }, type: 'Opaque' };

const events = [
  base('s-create', 'secrets', 'create', { requestObject: secret, responseObject: { ...secret, stringData: undefined } }),
  base('s-list', 'secrets', 'list', { objectRef: { resource: 'secrets', namespace: 'app', apiVersion: 'v1' }, responseObject: { kind: 'SecretList', items: [secret, { ...secret, metadata: { name: 'b' } }] } }),
  base('s-patch', 'secrets', 'patch', { requestObject: [{ op: 'replace', path: '/data/password', value: PATCH_VALUE }] }),
  base('s-merge', 'secrets', 'patch', { requestObject: { data: { password: PATCH_VALUE } } }),
  base('t-req', 'serviceaccounts', 'create', { objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'app', name: 'ci', apiVersion: 'v1' },
    requestObject: { kind: 'TokenRequest', spec: { audiences: ['api'] } }, responseObject: { kind: 'TokenRequest', status: { token: TOKEN, expirationTimestamp: '2026-11-05T11:00:00Z' } } }),
  base('t-review', 'tokenreviews', 'create', { objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' },
    requestObject: { kind: 'TokenReview', spec: { token: REVIEW_TOKEN } }, responseObject: { kind: 'TokenReview', spec: { token: REVIEW_TOKEN }, status: { authenticated: true } } }),
  base('cm-applied', 'configmaps', 'patch', { requestObject: { kind: 'ConfigMap', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration':
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: { DB_PASSWORD: CM_APPLIED, plain: 'applied-visible' } }) + '\n' } }, data: { DB_PASSWORD: CM_APPLIED, plain: 'applied-visible' } } }),
  base('pod-env', 'pods', 'create', { requestObject: { kind: 'Pod', spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1',
    env: [{ name: 'DB_PASSWORD', value: POD_ENV }, { name: 'LOG_LEVEL', value: 'debug-visible' }, { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'db', key: 'host' } } }] }] } } }),
  base('deploy-env', 'deployments', 'create', { objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'app', name: 'web', apiVersion: 'v1' },
    requestObject: { kind: 'Deployment', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'API_TOKEN', value: DEPLOY_TOKEN }, { name: 'MODE', value: 'applied-mode-visible' }] }] } } } }) } },
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'API_TOKEN', value: DEPLOY_TOKEN }, { name: 'MODE', value: 'mode-visible' }] }] } } } } }),
  base('cm', 'configmaps', 'create', { requestObject: { kind: 'ConfigMap', data: { DB_PASSWORD: CM_PASSWORD, 'app.ini': `host=db\naws_secret_access_key=${AWS_KEY}\nport=5432`, plain: 'keep-me-visible' } } }),
];

describe('redaction before landing', () => {
  it('removes Secret data, stringData, kubectl last-applied, patches, TokenRequest and TokenReview tokens, ConfigMap credentials', async () => {
    const raw = ws.file('raw.log', events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const cw = ws.file('cw.jsonl', events.map((e, i) => JSON.stringify({ logStreamName: 'kube-apiserver-audit-x', timestamp: 1_700_000_000_000 + i, ingestionTime: 1_700_000_001_000, eventId: `cw-${i}`, message: JSON.stringify({ ...e, auditID: `cw-${e.auditID}` }) })).join('\n') + '\n');
    const aks = ws.file('aks.jsonl', events.map((e) => JSON.stringify({ TimeGenerated: '2026-11-05T10:00:01Z', Type: 'AKSAudit', AuditId: `aks-${e.auditID}`, Level: e.level, Stage: e.stage, Verb: e.verb,
      RequestUri: e.requestURI, User: e.user, ObjectRef: e.objectRef, ResponseStatus: e.responseStatus, RequestObject: JSON.stringify(e.requestObject ?? null), ResponseObject: e.responseObject ?? null,
      RequestReceivedTime: e.requestReceivedTimestamp, StageReceivedTime: e.stageTimestamp })).join('\n') + '\n');
    for (const [cluster, f] of [['raw', raw], ['cw', cw], ['aks', aks]] as const) {
      const r = await importFiles(ws.db, cluster, [f]);
      expect(r.counts.landed, cluster).toBe(events.length);
    }
    // flush the WAL into the file so the bytes we search are the stored ones
    const db = await Database.open(ws.db);
    const c = await db.connect();
    await c.run('CHECKPOINT');
    c.closeSync();
    db.close();
    const bytes = readFileSync(ws.db);
    for (const v of [SECRET_B64, STRING_DATA, TOKEN, REVIEW_TOKEN, PATCH_VALUE, CM_PASSWORD, AWS_KEY, CM_APPLIED, POD_ENV, DEPLOY_TOKEN]) {
      expect(bytes.includes(Buffer.from(v)), `"${v}" is in the database file`).toBe(false);
    }

    const rows = await ws.query(`SELECT audit_id, request_object, response_object FROM audit_events WHERE cluster = 'raw' ORDER BY audit_id`);
    const by = Object.fromEntries(rows.map((r) => [r.audit_id, r])) as Record<string, { request_object: any; response_object: any }>;
    expect(by['s-create']!.request_object.data).toEqual({ password: MARKER });
    expect(by['s-create']!.request_object.stringData).toEqual({ url: MARKER });
    expect(by['s-create']!.request_object.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(MARKER);
    expect(by['s-create']!.request_object.metadata.name).toBe('db');
    expect(by['s-list']!.response_object.items.map((i: any) => i.data)).toEqual([{ password: MARKER }, { password: MARKER }]);
    expect(by['s-patch']!.request_object).toEqual([{ op: 'replace', path: '/data/password', value: MARKER }]);
    expect(by['s-merge']!.request_object).toEqual({ data: { password: MARKER } });
    expect(by['t-req']!.response_object.status).toEqual({ token: MARKER, expirationTimestamp: '2026-11-05T11:00:00Z' });
    expect(by['t-review']!.request_object.spec.token).toBe(MARKER);
    expect(by['t-review']!.response_object.status).toEqual({ authenticated: true });
    expect(by['cm']!.request_object.data).toEqual({ DB_PASSWORD: MARKER, 'app.ini': `host=db\naws_secret_access_key=${MARKER}\nport=5432`, plain: 'keep-me-visible' });
    const applied = by['cm-applied']!.request_object;
    expect(applied.data).toEqual({ DB_PASSWORD: MARKER, plain: 'applied-visible' });
    expect(JSON.parse(applied.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).data).toEqual({ DB_PASSWORD: MARKER, plain: 'applied-visible' });
    expect(by['pod-env']!.request_object.spec.containers[0].env).toEqual([
      { name: 'DB_PASSWORD', value: MARKER },
      { name: 'LOG_LEVEL', value: 'debug-visible' },
      { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'db', key: 'host' } } },
    ]);
    const deploy = by['deploy-env']!.request_object;
    expect(deploy.spec.template.spec.containers[0].env).toEqual([{ name: 'API_TOKEN', value: MARKER }, { name: 'MODE', value: 'mode-visible' }]);
    expect(JSON.parse(deploy.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).spec.template.spec.containers[0].env)
      .toEqual([{ name: 'API_TOKEN', value: MARKER }, { name: 'MODE', value: 'applied-mode-visible' }]);
  });

  it('withholds string values of a quarantined record that may hold credentials', async () => {
    const broken = JSON.stringify(base('q', 'secrets', 'create', { requestObject: secret })).slice(0, -20);
    const r = await importFiles(ws.db, 'q', [ws.file('broken.log', broken + '\n')]);
    expect(r.counts.quarantined).toBe(1);
    const [q] = await ws.query(`SELECT raw, reason FROM quarantine WHERE cluster = 'q'`);
    expect(String(q!.reason)).toMatch(/^invalid JSON/);
    expect(String(q!.raw)).not.toContain(SECRET_B64);
    expect(String(q!.raw)).toContain('"data":{"password":"…"');
  });
});
