import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Database } from '../store/database.js';
import { Lander, prepareStagingDir } from './lander.js';

let dir: string;
let db: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kt-lander-'));
  db = await Database.open(join(dir, 'kt.duckdb'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = (id: string) => ({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete', verb: 'get', stageTimestamp: '2026-11-20T10:00:00Z' });

it('keeps a source index valid across checkpoints (a source that goes on adding after one)', async () => {
  const conn = await db.connect();
  const lander = new Lander(conn, { cluster: 'c', provider: 'files', runId: 'r1' }, prepareStagingDir(join(dir, 'kt.duckdb')));
  const s = lander.source('/var/log/audit.log');
  lander.addValue(s, 1, event('a'));
  await lander.checkpoint([{ stream: 'x', state: { offset: 1 } }]);
  lander.addValue(s, 2, event('b'));
  await lander.checkpoint([{ stream: 'x', state: { offset: 2 } }]);
  const counts = await lander.finish();
  expect(counts.landed).toBe(2);
  const rows = (await conn.runAndReadAll(`SELECT audit_id, source, source_line FROM audit_events ORDER BY audit_id`)).getRowObjectsJson();
  expect(rows).toEqual([
    { audit_id: 'a', source: '/var/log/audit.log', source_line: '1' },
    { audit_id: 'b', source: '/var/log/audit.log', source_line: '2' },
  ]);
  conn.closeSync();
});

// A CloudWatch Logs event as FilterLogEvents returns it.
const cloudwatch = (id: string, message: string, ts = 1_795_000_000_000) => ({
  logStreamName: 'kube-apiserver-audit-0123456789abcdef',
  timestamp: ts,
  ingestionTime: ts + 900,
  eventId: `3${id}`.padEnd(56, '0'),
  message,
});

async function landCloudWatch(cluster: string, events: ReturnType<typeof cloudwatch>[], embedded: boolean) {
  const conn = await db.connect();
  const lander = new Lander(conn, { cluster, provider: 'eks', runId: 'r1' }, prepareStagingDir(join(dir, 'kt.duckdb')));
  const s = lander.source('/aws/eks/prod/cluster');
  for (const ev of events) {
    const { message, ...rest } = ev;
    if (embedded) lander.addEmbedded(s, ev.timestamp, rest, 'message', message);
    else lander.addValue(s, ev.timestamp, ev);
  }
  const counts = await lander.finish();
  conn.closeSync();
  return counts;
}

async function rows(sql: string) {
  const conn = await db.connect();
  const r = (await conn.runAndReadAll(sql)).getRowObjectsJson();
  conn.closeSync();
  return r;
}

it('lands a CloudWatch message staged beside its event exactly as the whole event staged as one record', async () => {
  const full = { ...event('e1'), user: { username: 'alice', groups: ['dev'] }, sourceIPs: ['10.0.0.1'], objectRef: { resource: 'pods', namespace: 'web', name: 'p' }, responseStatus: { code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow' }, requestObject: { kind: 'Pod', spec: { containers: [{ name: 'c', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] } } };
  const events = [cloudwatch('a', JSON.stringify(full)), cloudwatch('b', JSON.stringify({ ...event('e2'), stage: 'RequestReceived' }), 1_795_000_000_001)];
  const a = await landCloudWatch('split', events, true);
  const b = await landCloudWatch('whole', events, false);
  expect(a.landed).toBe(2);
  expect(b.landed).toBe(2);
  const cols = `* EXCLUDE (cluster, run_id, landed_at)`;
  const split = await rows(`SELECT ${cols} FROM audit_events WHERE cluster = 'split' ORDER BY audit_id`);
  const whole = await rows(`SELECT ${cols} FROM audit_events WHERE cluster = 'whole' ORDER BY audit_id`);
  expect(split).toEqual(whole);
  expect(split[0]).toMatchObject({ envelope: 'cloudwatch-event', provider_event_id: events[0]!.eventId, log_name: events[0]!.logStreamName, user_name: 'alice' });
  expect(String(split[0]!.request_object)).not.toContain('hunter2');
});

it('stages a message that only looks like JSON again whole, so it is quarantined with CloudWatch’s reason and its record', async () => {
  // cut where an object closes: it starts with { and ends with }, but is not JSON
  const cut = JSON.stringify({ ...event('t1'), user: { username: 'alice' } }).replace(/\}$/, '');
  expect(cut.endsWith('}')).toBe(true);
  const counts = await landCloudWatch('c', [cloudwatch('a', cut), cloudwatch('b', JSON.stringify(event('ok')), 1_795_000_000_001)], true);
  expect(counts).toMatchObject({ landed: 1, quarantined: 1 });
  const q = await rows(`SELECT source_line, envelope, reason, raw FROM quarantine`);
  expect(q).toHaveLength(1);
  expect(q[0]!.source_line).toBe('1795000000000');
  expect(q[0]!.envelope).toBe('cloudwatch-event');
  expect(String(q[0]!.reason)).toMatch(/^CloudWatch message is not a JSON audit event \(\d+ characters/);
  expect(JSON.parse(String(q[0]!.raw))).toEqual(cloudwatch('a', cut));
});

it('quarantines an embedded Event with fields of the wrong type with the whole CloudWatch record', async () => {
  const bad = cloudwatch('a', JSON.stringify({ ...event('w1'), user: 'alice' }));
  const counts = await landCloudWatch('c', [bad], true);
  expect(counts).toMatchObject({ landed: 0, quarantined: 1 });
  const q = await rows(`SELECT reason, raw FROM quarantine`);
  expect(String(q[0]!.reason)).toBe('wrong field types: user is varchar, expected an object');
  expect(JSON.parse(String(q[0]!.raw))).toEqual(bad);
});

it('lands a message with line breaks from its text, and one with a lone surrogate as the whole record would', async () => {
  const pretty = JSON.stringify({ ...event('p1'), userAgent: 'kubectl' }, null, 2);
  // as the SDK hands it over when CloudWatch's JSON has the escape \ud800: a lone surrogate in the string
  const lone = `{"kind":"Event","auditID":"s1","stage":"ResponseComplete","userAgent":"bad \ud800 agent","stageTimestamp":"2026-11-20T10:00:00Z"}`;
  expect((lone as string & { isWellFormed(): boolean }).isWellFormed()).toBe(false);
  const split = await landCloudWatch('split', [cloudwatch('a', pretty), cloudwatch('b', lone, 1_795_000_000_001)], true);
  const whole = await landCloudWatch('whole', [cloudwatch('a', pretty), cloudwatch('b', lone, 1_795_000_000_001)], false);
  expect(split).toEqual(whole);
  const r = await rows(`SELECT cluster, audit_id, user_agent FROM audit_events ORDER BY cluster, audit_id`);
  expect(r.filter((x) => x.cluster === 'split').map((x) => [x.audit_id, x.user_agent])).toEqual(r.filter((x) => x.cluster === 'whole').map((x) => [x.audit_id, x.user_agent]));
  expect(r).toContainEqual({ cluster: 'split', audit_id: 'p1', user_agent: 'kubectl' });
});

it('lands a plain batch at once, and falls back to the exact way (rolling back) when a batch has a twin or a bad record', async () => {
  const conn = await db.connect();
  const lander = new Lander(conn, { cluster: 'c', provider: 'files', runId: 'r1' }, prepareStagingDir(join(dir, 'kt.duckdb')));
  const s = lander.source('/var/log/audit.log');
  lander.addValue(s, 1, event('a'));
  lander.addValue(s, 2, event('b'));
  await lander.checkpoint([]);
  // twin of an earlier batch, twin inside the batch, a new one, one with a wrong field type
  lander.addValue(s, 3, event('a'));
  lander.addValue(s, 4, event('c'));
  lander.addValue(s, 5, event('c'));
  lander.addValue(s, 6, { ...event('d'), user: 'mallory' });
  await lander.checkpoint([]);
  // after a batch that was not plain, a plain one lands the exact way and counts the same
  lander.addValue(s, 7, event('e'));
  const counts = await lander.finish();
  expect(counts).toMatchObject({ records: 7, landed: 4, duplicates: 2, quarantined: 1 });
  expect(counts.byEnvelope['raw-event']).toEqual({ landed: 4, duplicates: 2, skipped: 0, quarantined: 1 });
  const rows = (await conn.runAndReadAll(`SELECT audit_id, source_line FROM audit_events ORDER BY audit_id`)).getRowObjectsJson();
  expect(rows).toEqual([
    { audit_id: 'a', source_line: '1' },
    { audit_id: 'b', source_line: '2' },
    { audit_id: 'c', source_line: '4' },
    { audit_id: 'e', source_line: '7' },
  ]);
  conn.closeSync();
});

it('tries the typed read while it lands batches, not again in a pull once it refused one that then landed whole, and not on a cursor-only checkpoint’s word', async () => {
  const conn = await db.connect();
  const pull = async (cluster: string, batches: object[][]) => {
    const lander = new Lander(conn, { cluster, provider: 'files', runId: 'r1' }, prepareStagingDir(join(dir, 'kt.duckdb')));
    const s = lander.source('/var/log/audit.log');
    let line = 0;
    for (const batch of batches) {
      for (const e of batch) lander.addValue(s, ++line, e);
      await lander.checkpoint([{ stream: 'x', state: { line } }]);
    }
    const counts = await lander.finish();
    return { counts, history: lander.history.map((h) => `${h.tried}>${h.by}`) };
  };
  const plain = await pull('plain', [[], [event('a')], [event('b')]]);
  expect(plain.history).toEqual(['exact>exact', 'typed>typed', 'typed>typed']);
  // an empty requestReceivedTimestamp: the strict read refuses it, the lenient read lands it (as NULL)
  const odd = (id: string) => ({ ...event(id), requestReceivedTimestamp: '' });
  const refused = await pull('refused', [[event('a')], [odd('b')], [event('c')], [odd('d')]]);
  expect(refused.history).toEqual(['typed>typed', 'typed>exact', 'lenient>lenient', 'lenient>lenient']);
  expect(refused.counts).toMatchObject({ records: 4, landed: 4 });
  // a first batch the typed read would refuse is not tried that way: the guess asks the typed read itself
  const first = await pull('first', [[odd('a')], [event('b')]]);
  expect(first.history).toEqual(['lenient>lenient', 'typed>typed']);
  // records of another envelope (an Azure diagnostic record) after a cursor-only checkpoint: judged by their first record
  const azure = (id: string) => ({ category: 'kube-audit', time: '2026-11-20T10:00:00Z', resourceId: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/C', properties: { log: JSON.stringify(event(id)) } });
  const other = await pull('other', [[], [azure('a')], [azure('b')]]);
  expect(other.history).toEqual(['exact>exact', 'lenient>lenient', 'lenient>lenient']);
  conn.closeSync();
});
