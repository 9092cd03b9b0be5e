// The typed read (normalise.ts) is a faster way to the same rows: for every batch it lands, the rows
// must be exactly those the lenient read lands the exact way; every batch it cannot land must fall back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/store/database.js';
import { land, type Approach } from '../../src/store/land.js';
import { StageFile } from '../../src/store/stage.js';
import { readLines } from '../../src/sources/files/read-lines.js';
import { SHARED_DATA } from '../helpers/workspace.js';

const dir = mkdtempSync(join(tmpdir(), 'kt-typed-'));
let db: Database;
let conn: DuckDBConnection;
let n = 0;
beforeAll(async () => {
  db = await Database.open(join(dir, 'kt.duckdb'), { memoryLimit: '512MB' });
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

type Fill = (stage: StageFile) => Promise<void> | void;

async function landAs(cluster: string, approach: Approach, fill: Fill) {
  const stage = new StageFile(join(dir, `${++n}.ndjson`));
  await fill(stage);
  try {
    return await land(conn, stage, { cluster, provider: 'files', runId: `r-${cluster}` }, [], { approach });
  } finally {
    stage.remove();
  }
}

async function rowsOf(cluster: string): Promise<unknown[]> {
  return (
    await conn.runAndReadAll(
      `SELECT * EXCLUDE (cluster, run_id, landed_at) FROM audit_events WHERE cluster = $1 ORDER BY source, source_line, source_item, audit_id, stage`,
      [cluster],
    )
  ).getRowObjectsJson();
}

/** Land the same records both ways; the rows and counts must be the same. Returns how the typed attempt landed. */
async function compare(name: string, fill: Fill): Promise<Approach> {
  const typed = await landAs(`${name}-typed`, 'typed', fill);
  const exact = await landAs(`${name}-exact`, 'exact', fill);
  const counts = ({ tried: _, by: __, ...c }: typeof typed) => c;
  const [typedCounts, exactCounts] = [counts(typed), counts(exact)];
  expect(typedCounts).toEqual(exactCounts);
  const rows = await rowsOf(`${name}-typed`);
  expect(rows).toEqual(await rowsOf(`${name}-exact`));
  return typed.by;
}

const lines =
  (...records: unknown[]): Fill =>
  (stage) => {
    const s = stage.source('/var/log/audit.log');
    records.forEach((r, k) => stage.addText(s, k + 1, typeof r === 'string' ? r : JSON.stringify(r)));
  };

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  auditID: id,
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/prod/secrets/db',
  verb: 'create',
  user: { username: 'alice', uid: 'u-1', groups: ['system:authenticated', 'dev'], extra: { 'authentication.kubernetes.io/pod-name': ['p'] } },
  sourceIPs: ['10.0.0.7', '2001:db8::1'],
  userAgent: 'kubectl/v1.31.0 (linux/amd64) ünïcode ✓',
  objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1', uid: 'o-1', resourceVersion: '42' },
  responseStatus: { metadata: {}, code: 201 },
  requestObject: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db' }, data: { password: 'c2VjcmV0' }, stringData: { token: 'plain' } },
  responseObject: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db' }, data: { password: 'c2VjcmV0' } },
  requestReceivedTimestamp: '2026-11-20T10:00:00.123456Z',
  stageTimestamp: '2026-11-20T10:00:00.234567Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "x"' },
  ...extra,
});

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
}

describe('the typed read', () => {
  it('lands Events of every shape the same as the lenient read, and lands them itself', async () => {
    const by = await compare('shapes', lines(
      event('a'),
      // nanoseconds, an offset, no fraction; numbers where strings belong; impersonation; no body
      event('b', {
        requestReceivedTimestamp: '2026-11-20T12:00:00.123456789+02:00',
        stageTimestamp: '2026-11-20T10:00:01Z',
        user: { username: 'system:serviceaccount:kube-system:x', groups: ['system:serviceaccounts', 7] },
        impersonatedUser: { username: 'admin', groups: ['system:masters'], uid: 'i-1', extra: { scopes: ['a'] } },
        sourceIPs: [],
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web-0' },
        verb: 'get',
        requestObject: undefined,
        responseObject: undefined,
      }),
      // a pod whose environment carries a credential; a decision of forbid
      event('c', {
        objectRef: { resource: 'pods', namespace: 'prod', name: 'web-1', apiVersion: 'v1' },
        requestObject: { kind: 'Pod', spec: { containers: [{ name: 'c', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] } },
        responseObject: undefined,
        responseStatus: { code: 403, reason: 'Forbidden', status: 'Failure' },
        annotations: { 'authorization.k8s.io/decision': 'forbid' },
      }),
      // v1beta1: a `timestamp` of its own, no stage timestamps; missing user, sourceIPs, objectRef
      { kind: 'Event', apiVersion: 'audit.k8s.io/v1beta1', level: 'Metadata', auditID: 'd', stage: 'ResponseComplete', verb: 'list', requestURI: '/api', timestamp: '2026-11-20T09:00:00Z' },
      // nulls where values may be
      event('e', { user: null, sourceIPs: null, objectRef: null, responseStatus: null, annotations: null, stage: '', requestObject: null, responseObject: undefined }),
      // AKS replaced the bodies for size
      event('f', { requestObject: 'skipped-too-big-size-object', responseObject: 'skipped-too-big-size-object' }),
    ));
    expect(by).toBe('typed');
    const r = await rowsOf('shapes-typed');
    expect(r).toHaveLength(6);
    expect(JSON.stringify(r)).not.toContain('c2VjcmV0');
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('lands CloudWatch messages staged beside their event', async () => {
    const fill: Fill = (stage) => {
      const s = stage.source('cloudwatch:/aws/eks/c/cluster');
      for (let k = 0; k < 3; k++) {
        stage.addEmbedded(s, k + 1, { logStreamName: 'kube-apiserver-audit-1', timestamp: 1_795_000_000_000 + k, ingestionTime: 1_795_000_000_500, eventId: `ev${k}` }, 'message', JSON.stringify(event(`cw${k}`)));
      }
    };
    expect(await compare('cloudwatch', fill)).toBe('typed');
  });

  const fallbacks: Record<string, unknown[]> = {
    'a field of the wrong type': [event('a'), event('b', { user: 'mallory' })],
    'a timestamp that is not one': [event('a'), event('b', { stageTimestamp: 'yesterday' })],
    'an empty timestamp': [event('a'), event('b', { requestReceivedTimestamp: '' })],
    'a response code that is not a number': [event('a'), event('b', { responseStatus: { code: 'teapot' } })],
    'annotations that are not an object': [event('a'), event('b', { annotations: ['x'] })],
    'an Event without an audit ID': [event('a'), { ...event('b'), auditID: undefined }],
    'a line that is not JSON': [event('a'), '{"kind":"Event","auditID":'],
    'a duplicate key': [event('a'), '{"kind":"Event","auditID":"b","verb":"get","verb":"list"}'],
    'a record of another envelope': [event('a'), { insertId: 'x', logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity', protoPayload: { serviceName: 'k8s.io', methodName: 'io.k8s.core.v1.pods.get' }, timestamp: '2026-11-20T10:00:00Z' }],
    'a batch record': [event('a'), { records: [event('b')] }],
    'a twin in the batch': [event('a'), event('a')],
  };
  for (const [what, records] of Object.entries(fallbacks)) {
    it(`falls back to the exact way for ${what}`, async () => {
      expect(await compare(what.replace(/\W+/g, '-'), lines(...records))).toBe('exact');
    });
  }

  it('lands every file of the public samples the same as the lenient read', async () => {
    const files = walk(SHARED_DATA).filter((f) => !/(labels\.jsonl|README\.md)$/.test(f));
    const by: Approach[] = [];
    for (const [k, file] of files.entries()) {
      by.push(
        await compare(`sample${k}`, async (stage) => {
          const s = stage.source(file);
          await readLines(file, { line: (b, a, e, l) => stage.addBytes(s, l, b, a, e), tooLong: () => undefined }, { takeUnterminated: true });
        }),
      );
    }
    // most samples are files of Events, which the typed read lands itself
    expect(by.filter((b) => b === 'typed').length).toBeGreaterThan(files.length / 2);
  }, 120_000);
});
