/**
 * Each table shape an AKS cluster's audit events can be in, read by the real LogsQueryClient from the
 * HTTPS double and landed through pullCluster into DuckDB; every audit_events field is checked against
 * the event it came from. The events are real captures (falco samples); the Log Analytics rows around
 * them are ours, built from the documented schemas (no public sample of such rows exists).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { diagnosticsRow, micros, syntheticEvents, tableRow, type AuditEvent } from '../fakes/aks-rows.js';
import { falcoEvents } from './falco-events.js';
import { clusterId, fact, harness, WORKSPACE_ID, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const RID = clusterId('prod');
const events = falcoEvents();
const lastEvent = Math.max(...events.map((e) => micros(e.stageTimestamp!)));
// Ingestion an hour after the last event; the run looks back far enough to cover the 2018-2020 captures.
const ingestedAt = lastEvent + 3600e6;
const now = new Date(ingestedAt / 1000 + 3600e3);
const lookback = `${Math.ceil((now.getTime() - (Math.min(...events.map((e) => micros(e.stageTimestamp!))) / 1000) + 86400e3) / 86400e3)}d`;
const cluster = { name: 'prod', resourceId: RID, lookback, lateness: '1d' };

interface EventRow {
  audit_id: string;
  stage: string;
  level: string | null;
  verb: string | null;
  request_uri: string | null;
  user_name: string | null;
  user_uid: string | null;
  user_groups: string[] | null;
  user_extra: unknown;
  impersonated_user: string | null;
  source_ips: string[] | null;
  user_agent: string | null;
  api_group: string | null;
  api_version: string | null;
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
  response_code: number | null;
  decision: string | null;
  received_us: string | null;
  stage_us: string | null;
  ingested_us: string | null;
  request_object: string | null;
  response_object: string | null;
  annotations: string | null;
  body_truncated: boolean;
  envelope: string;
  log_name: string | null;
  source: string | null;
  envelope_record: string | null;
}

const SELECT = `SELECT audit_id, stage, level, verb, request_uri, user_name, user_uid, user_groups, user_extra, impersonated_user,
  source_ips, user_agent, api_group, api_version, resource, subresource, namespace, name, response_code, decision,
  CAST(epoch_us(request_received_at) AS VARCHAR) AS received_us, CAST(epoch_us(stage_at) AS VARCHAR) AS stage_us,
  CAST(epoch_us(ingested_at) AS VARCHAR) AS ingested_us, CAST(request_object AS VARCHAR) AS request_object,
  CAST(response_object AS VARCHAR) AS response_object, CAST(annotations AS VARCHAR) AS annotations, body_truncated,
  envelope, log_name, source, CAST(envelope_record AS VARCHAR) AS envelope_record
  FROM audit_events WHERE cluster = $1 ORDER BY audit_id, stage`;

const parse = (s: string | null | undefined): unknown => (s === null || s === undefined ? null : JSON.parse(s));
const SENSITIVE = new Set(['secrets', 'configmaps', 'tokenreviews', 'serviceaccounts']);

/** Every column checked against the source event. */
function expectEventLanded(row: EventRow, e: AuditEvent, envelope: string, logName: string): void {
  const user = (e.user ?? {}) as { username?: string; uid?: string; groups?: string[]; extra?: unknown };
  const ref = (e.objectRef ?? {}) as Record<string, string | undefined>;
  const annotations = (e.annotations ?? null) as Record<string, string> | null;
  expect(row.audit_id).toBe(e.auditID);
  expect(row.stage).toBe(e.stage);
  expect(row.level).toBe(e.level ?? null);
  expect(row.verb).toBe(e.verb ?? null);
  expect(row.request_uri).toBe(e.requestURI ?? null);
  expect(row.user_name).toBe(user.username ?? null);
  expect(row.user_uid).toBe(user.uid ?? null);
  expect(row.user_groups).toEqual(user.groups ?? null);
  expect(parse(row.user_extra as string | null)).toEqual(user.extra ?? null);
  expect(row.source_ips).toEqual(e.sourceIPs ?? null);
  expect(row.user_agent).toBe(e.userAgent ?? null);
  expect(row.api_group).toBe(ref.apiGroup ?? null);
  expect(row.api_version).toBe(ref.apiVersion ?? null);
  expect(row.resource).toBe(ref.resource ?? null);
  expect(row.subresource).toBe(ref.subresource ?? null);
  expect(row.namespace).toBe(ref.namespace ?? null);
  expect(row.name).toBe(ref.name ?? null);
  expect(row.response_code).toBe((e.responseStatus as { code?: number } | undefined)?.code ?? null);
  expect(row.decision).toBe(annotations?.['authorization.k8s.io/decision'] ?? null);
  // Microsecond precision survives the trip (datetimes travel as text, not as JS Dates).
  expect(row.received_us).toBe(String(micros(e.requestReceivedTimestamp!)));
  expect(row.stage_us).toBe(String(micros(e.stageTimestamp!)));
  expect(row.ingested_us).toBe(String(ingestedAt));
  expect(parse(row.annotations)).toEqual(annotations);
  if (!SENSITIVE.has(ref.resource ?? '')) {
    expect(parse(row.request_object)).toEqual(e.requestObject ?? null);
    expect(parse(row.response_object)).toEqual(e.responseObject ?? null);
  }
  expect(row.body_truncated).toBe(false);
  expect(row.envelope).toBe(envelope);
  expect(row.log_name).toBe(logName);
  // The Log Analytics row's own facts: which resource, which API server pod.
  const rec = parse(row.envelope_record) as Record<string, string>;
  expect(rec._ResourceId).toBe(RID.toLowerCase());
  expect(rec.PodName ?? rec.pod_s).toBe('kube-apiserver-6b8d9c7f5-x2x7q');
  expect(row.source).toMatch(new RegExp(`^loganalytics:${WORKSPACE_ID}/${logName === 'AKSAudit' || logName === 'AKSAuditAdmin' ? logName : 'AzureDiagnostics'}\\?`));
}

function byKey(rows: EventRow[]): Map<string, EventRow> {
  return new Map(rows.map((r) => [`${r.audit_id}/${r.stage}`, r]));
}

describe('AKS table shapes', () => {
  it('AKSAudit (resource-specific, kube-audit): every field of every event lands', async () => {
    h = await harness();
    h.fake.addRows(WORKSPACE_ID, events.map((e) => tableRow(e, 'AKSAudit', { resourceId: RID, ingestedAt })));
    const r = await h.pull(cluster, { now });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('ok');
    expect(r.counts.landed).toBe(events.length);
    expect(r.counts.quarantined).toBe(0);
    expect(r.stats.tables_read).toBe('AKSAudit');
    const rows = byKey(await h.rows<EventRow>(SELECT, ['prod']));
    expect(rows.size).toBe(events.length);
    for (const e of events) expectEventLanded(rows.get(`${e.auditID}/${e.stage}`)!, e, 'aks-table', 'AKSAudit');

    // Secret values never land, whatever table they came through.
    const secretWrites = events.filter((e) => (e.objectRef as { resource?: string })?.resource === 'secrets' && (e.requestObject as { data?: object })?.data);
    for (const e of secretWrites) {
      const body = parse(rows.get(`${e.auditID}/${e.stage}`)!.request_object) as { data: Record<string, string> };
      for (const v of Object.values(body.data)) expect(v).toBe('[redacted by kubetrail]');
    }

    expect(await fact(h, 'prod', 'audit_table')).toMatchObject({ status: 'known', value: 'AKSAudit' });
    expect(await fact(h, 'prod', 'audit_rows_by_table')).toMatchObject({
      status: 'known',
      value: { configured: 'auto', reads_collected: true, rows_in_window: { AKSAudit: events.length }, missing_tables: ['AKSAuditAdmin', 'AzureDiagnostics'] },
    });
  });

  it('AKSAuditAdmin (kube-audit-admin): lands, and the posture says reads are invisible', async () => {
    h = await harness();
    const writes = events.filter((e) => e.verb !== 'get' && e.verb !== 'list');
    expect(writes.length).toBeLessThan(events.length);
    h.fake.addRows(WORKSPACE_ID, writes.map((e) => tableRow(e, 'AKSAuditAdmin', { resourceId: RID, ingestedAt })));
    const r = await h.pull(cluster, { now });
    expect(r.error).toBeUndefined();
    expect(r.counts.landed).toBe(writes.length);
    const rows = byKey(await h.rows<EventRow>(SELECT, ['prod']));
    for (const e of writes) expectEventLanded(rows.get(`${e.auditID}/${e.stage}`)!, e, 'aks-table', 'AKSAuditAdmin');
    const table = await fact(h, 'prod', 'audit_table');
    expect(table?.value).toBe('AKSAuditAdmin');
    expect(table?.reason).toMatch(/admin-only.*reads are invisible/);
    expect(await fact(h, 'prod', 'audit_rows_by_table')).toMatchObject({ value: { reads_collected: false, rows_in_window: { AKSAuditAdmin: writes.length } } });
  });

  it('AzureDiagnostics (log_s): kube-audit and kube-audit-admin rows land once, other categories are not read', async () => {
    h = await harness();
    const rows = events.map((e) => diagnosticsRow(e, 'kube-audit', { resourceId: RID, ingestedAt }));
    // The same writes again under kube-audit-admin (both categories enabled): landed once.
    const writes = events.filter((e) => e.verb !== 'get' && e.verb !== 'list');
    rows.push(...writes.map((e) => diagnosticsRow(e, 'kube-audit-admin', { resourceId: RID, ingestedAt })));
    // A kube-apiserver log line of the same cluster is not an audit event and must not be fetched.
    const other = diagnosticsRow(events[0]!, 'kube-audit', { resourceId: RID, ingestedAt });
    other.columns = { ...other.columns, Category: 'kube-apiserver', log_s: 'I1025 13:58:49.736141 1 trace.go:116] Trace[1]: "Create" (total time: 502ms)' };
    rows.push(other);
    h.fake.addRows(WORKSPACE_ID, rows);
    const r = await h.pull(cluster, { now });
    expect(r.error).toBeUndefined();
    expect(r.counts.records).toBe(events.length + writes.length);
    expect(r.counts.landed).toBe(events.length);
    expect(r.counts.duplicates).toBe(writes.length);
    expect(r.counts.quarantined).toBe(0);
    const landed = byKey(await h.rows<EventRow>(SELECT, ['prod']));
    for (const e of events) {
      const row = landed.get(`${e.auditID}/${e.stage}`)!;
      expectEventLanded(row, e, 'aks-azurediagnostics', row.log_name === 'kube-audit-admin' ? 'kube-audit-admin' : 'kube-audit');
    }
    expect(await fact(h, 'prod', 'audit_table')).toMatchObject({ status: 'known', value: 'AzureDiagnostics' });
    expect(await fact(h, 'prod', 'audit_rows_by_table')).toMatchObject({
      value: { reads_collected: true, azure_diagnostics_categories: { 'kube-audit': events.length, 'kube-audit-admin': writes.length } },
    });
  });

  it('bodies AKS replaced with "skipped-too-big-size-object" land flagged as truncated and are counted', async () => {
    h = await harness();
    const t0 = Date.parse('2026-03-02T08:00:00Z') * 1000;
    const evs = syntheticEvents('truncated', 400, t0, 3600e6, 7);
    const truncated = new Set(evs.filter((e) => e.requestObject === 'skipped-too-big-size-object').map((e) => e.auditID));
    expect(truncated.size).toBeGreaterThan(10);
    // Half in AKSAudit, half in AzureDiagnostics: both envelopes must see the marker.
    h.fake.addRows(WORKSPACE_ID, [
      ...evs.slice(0, 200).map((e) => tableRow(e, 'AKSAudit', { resourceId: RID })),
      ...evs.slice(200).map((e) => diagnosticsRow(e, 'kube-audit', { resourceId: RID })),
    ]);
    const r = await h.pull({ name: 'prod', resourceId: RID, lookback: '2d' }, { now: new Date(t0 / 1000 + 2 * 3600e3) });
    expect(r.error).toBeUndefined();
    expect(r.counts.landed).toBe(400);
    expect(r.stats.truncated_bodies).toBe(truncated.size);
    const flagged = await h.rows<{ audit_id: string; request_object: string }>(
      `SELECT audit_id, CAST(request_object AS VARCHAR) AS request_object FROM audit_events WHERE cluster = 'prod' AND body_truncated`,
    );
    expect(new Set(flagged.map((f) => f.audit_id))).toEqual(truncated);
    for (const f of flagged) expect(JSON.parse(f.request_object)).toBe('skipped-too-big-size-object');
  });
});
