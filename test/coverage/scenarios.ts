/**
 * One cluster per coverage scenario, landed through the real pipeline (pullCluster + filesSource) into
 * one database, with posture facts in the shape docs/posture-facts.md documents. Each scenario names
 * the alarms it must raise; the healthy clusters must raise none.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedJob } from '../../src/config/load.js';
import { jobFileSchema } from '../../src/config/job-file.js';
import type { Detection } from '../../src/detect/detection.js';
import { silentLogger } from '../../src/log.js';
import { prepareStagingDir } from '../../src/pipeline/lander.js';
import { pullCluster } from '../../src/pipeline/pull-cluster.js';
import { filesSource } from '../../src/sources/files/files-source.js';
import type { PostureFact } from '../../src/sources/types.js';
import { Database } from '../../src/store/database.js';
import { fact, unknownFact } from '../../src/coverage/facts.js';
import { DAY, HOUR, history, traffic, writeEvents, type Envelope, type GenEvent } from './traffic.js';

export const AKS_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/shop-aks';
const WORKSPACE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/audit-ws';

export interface Scenario {
  name: string;
  provider: 'eks' | 'gke' | 'aks' | 'files';
  envelope: Envelope;
  events: GenEvent[];
  facts: PostureFact[];
  /** Raw lines appended to the file (e.g. cut CloudWatch events). */
  extraLines?: string[];
  /** Thresholds for this cluster (the job file's coverage.clusters.<name>). */
  coverage?: Record<string, unknown>;
  expect: string[];
}

export interface Built {
  db: Database;
  job: LoadedJob;
  now: Date;
  /** Start (ms) of the first empty hour of the `gap` scenario's hole (3 hours). */
  holeStart: number;
  /** Silences not aligned to clock hours (`gap-unaligned`, `gap-straddling`), from the last event to the next. */
  silences: Record<'unaligned' | 'straddling' | 'under', { from: number; to: number }>;
  /** Stretches of the day-by-day scenarios (ms): `reads-stop` has no reads, `lag-slow-day` is 20 minutes late. */
  stretches: Record<'noReads' | 'slow', { from: number; to: number }>;
  scenarios: Scenario[];
  ids: Map<string, string[]>;
}

const eksFacts = (over: Partial<Record<string, PostureFact>> = {}): PostureFact[] =>
  Object.values({
    audit_log_enabled: fact('audit_log_enabled', true),
    log_types: fact('log_types', ['api', 'audit', 'authenticator']),
    log_group_exists: fact('log_group_exists', true),
    retention_days: fact('retention_days', 365),
    kubernetes_version: fact('kubernetes_version', '1.30'),
    ...over,
  }).filter((f): f is PostureFact => f !== undefined);

/** A GKE project's facts: Data Access on or off, the _Default bucket's retention, no exclusions. */
const gkeFacts = (o: { dataAccess: boolean; defaultDays: number; service?: boolean }): PostureFact[] => [
  fact('data_access_enabled', { ADMIN_READ: o.dataAccess, DATA_READ: o.dataAccess, DATA_WRITE: false, ...(o.service ? { service: 'container.googleapis.com' } : {}) }),
  fact('default_bucket_retention_days', o.defaultDays),
  fact('required_bucket_retention_days', 400),
  fact('k8s_exclusions', []),
];

const aksFacts = (categories: string[], table: 'AKSAudit' | 'AKSAuditAdmin'): PostureFact[] => [
  fact('diagnostic_categories', categories),
  fact('audit_table', table),
  fact('table_plan', 'Analytics'),
  fact('table_retention_days', 120),
  fact('table_total_retention_days', 365),
  fact('workspace_retention_days', 30),
  fact('workspace_resource_id', WORKSPACE),
  fact('kubernetes_version', '1.30'),
];

/** Unaligned silences, three and four days back (inside the window, away from the `gap` hole). */
export function silencesFor(now: Date): Built['silences'] {
  const day = Math.floor(now.getTime() / DAY) * DAY - 3 * DAY;
  const at = (d: number, h: number, m: number) => d + h * HOUR + m * 60e3;
  return {
    // 2 h 58 min, 12:01-14:59: with gapHours 2 an alarm, with the exact times (not "13:00 to 15:00")
    unaligned: { from: at(day, 12, 1), to: at(day, 14, 59) },
    // 3 h 35 min, 13:12-16:47: only 14:00-16:00 are whole empty hours, so hour counting missed it with gapHours 3
    straddling: { from: at(day, 13, 12), to: at(day, 16, 47) },
    // 2 h 58 min on the day before: under gapHours 3, not a gap
    under: { from: at(day - DAY, 12, 1), to: at(day - DAY, 14, 59) },
  };
}

/** Day-by-day stretches: three whole UTC days without reads; six hours of slow delivery on one day. */
export function stretchesFor(now: Date): Built['stretches'] {
  const day = Math.floor(now.getTime() / DAY) * DAY;
  return {
    noReads: { from: day - 5 * DAY, to: day - 2 * DAY },
    // 6 of the week's ~165 hours: too few to move the week's p95 (under 5%), a quarter of that day's events
    slow: { from: day - 2 * DAY + 6 * HOUR, to: day - 2 * DAY + 12 * HOUR },
  };
}

export function scenarios(now: Date, holeStart: number): Scenario[] {
  const quiet = silencesFor(now);
  const stretch = stretchesFor(now);
  const from = new Date(now.getTime() - 7 * DAY - HOUR);
  const end = new Date(now.getTime() - 2 * 60e3);
  const old = history(new Date(now.getTime() - 100 * DAY), from);
  const dense = (o: Partial<Parameters<typeof traffic>[0]> = {}) => [...old, ...traffic({ from, to: end, ...o })];
  const cw: Envelope = { kind: 'cloudwatch' };
  const raw: Envelope = { kind: 'raw' };
  const cut = (n: number) =>
    JSON.stringify({ logStreamName: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef', timestamp: now.getTime() - 3 * HOUR, ingestionTime: now.getTime() - 3 * HOUR + 20e3, eventId: `99${n}`, message: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"cut-' + n + '","requestObject":{"data":"xxxxxxxx' });
  return [
    { name: 'healthy-eks', provider: 'eks', envelope: cw, events: dense(), facts: eksFacts(), expect: [] },
    { name: 'healthy-files', provider: 'files', envelope: raw, events: dense(), facts: [], expect: [] },
    {
      name: 'healthy-gke',
      provider: 'gke',
      envelope: { kind: 'gke', project: 'shop-prod-1234' },
      events: dense(),
      facts: gkeFacts({ dataAccess: true, defaultDays: 400, service: true }),
      expect: [],
    },
    {
      name: 'healthy-aks',
      provider: 'aks',
      envelope: { kind: 'azure', category: 'kube-audit', resourceId: AKS_ID },
      events: dense(),
      facts: aksFacts(['kube-audit'], 'AKSAudit'),
      expect: [],
    },
    {
      // The policies kubetrail read enable no Data Access logging, yet Data Access entries arrive (a
      // policy changed since it was read, or one it was not allowed to read). Not an alarm.
      name: 'gke-data-access-from-folder',
      provider: 'gke',
      envelope: { kind: 'gke', project: 'shop-prod-1234' },
      events: dense(),
      facts: gkeFacts({ dataAccess: false, defaultDays: 400 }),
      expect: [],
    },
    {
      name: 'logging-off',
      provider: 'eks',
      envelope: cw,
      events: [],
      facts: eksFacts({ audit_log_enabled: fact('audit_log_enabled', false), log_types: fact('log_types', ['api']), log_group_exists: fact('log_group_exists', false), retention_days: undefined }),
      expect: ['audit-logging-enabled', 'events-present'],
    },
    { name: 'gap', provider: 'files', envelope: raw, events: dense({ holes: new Set([holeStart, holeStart + HOUR, holeStart + 2 * HOUR]) }), facts: [], expect: ['no-event-gaps'] },
    { name: 'gap-unaligned', provider: 'eks', envelope: cw, events: dense({ silences: [quiet.unaligned] }), facts: eksFacts(), coverage: { gapHours: 2 }, expect: ['no-event-gaps'] },
    { name: 'gap-straddling', provider: 'files', envelope: raw, events: dense({ silences: [quiet.straddling, quiet.under] }), facts: [], coverage: { gapHours: 3 }, expect: ['no-event-gaps'] },
    {
      name: 'aks-admin-only',
      provider: 'aks',
      envelope: { kind: 'azure', category: 'kube-audit-admin', resourceId: AKS_ID },
      events: dense({ reads: false, watches: true }),
      facts: aksFacts(['kube-audit-admin', 'guard'], 'AKSAuditAdmin'),
      expect: ['reads-collected', 'reads-observed', 'blind-detections'],
    },
    {
      name: 'gke-no-data-access',
      provider: 'gke',
      envelope: { kind: 'gke', project: 'shop-prod-1234' },
      events: dense({ reads: false, watches: false }),
      facts: gkeFacts({ dataAccess: false, defaultDays: 30 }),
      expect: ['reads-collected', 'reads-observed', 'blind-detections'],
    },
    { name: 'metadata-only', provider: 'files', envelope: raw, events: dense({ metadataOnly: true }), facts: [], expect: ['bodies-observed', 'blind-detections'] },
    { name: 'short-retention', provider: 'eks', envelope: cw, events: dense(), facts: eksFacts({ retention_days: fact('retention_days', 7) }), expect: ['retention-meets-target'] },
    // retentionInDays absent: CloudWatch never expires the group, which meets any target
    { name: 'retention-forever', provider: 'eks', envelope: cw, events: dense(), facts: eksFacts({ retention_days: fact('retention_days', null) }), expect: [] },
    {
      // _Default keeps 10 years but _Required only 400 days: the alarm must not offer to set _Default to the 730-day target
      name: 'gke-required-short',
      provider: 'gke',
      envelope: { kind: 'gke', project: 'shop-prod-1234' },
      events: dense(),
      facts: gkeFacts({ dataAccess: true, defaultDays: 3650 }),
      coverage: { retentionTarget: '730d' },
      // kubetrail holds 100 days: short of 730 as well
      expect: ['retention-meets-target', 'history-meets-target'],
    },
    {
      name: 'truncated-aks',
      provider: 'aks',
      envelope: { kind: 'azure', category: 'kube-audit', resourceId: AKS_ID },
      events: [
        ...dense(),
        ...[1, 2, 3].map((i) => ({
          time: new Date(now.getTime() - i * 5 * HOUR),
          verb: 'create',
          resource: 'deployments',
          apiGroup: 'apps',
          namespace: 'shop',
          name: `huge-${i}`,
          user: { username: 'carol@example.com', groups: ['system:authenticated'] },
          level: 'RequestResponse' as const,
          requestObject: 'skipped-too-big-size-object',
          responseObject: 'skipped-too-big-size-object',
          userAgent: 'helm/3.14',
        })),
      ],
      facts: aksFacts(['kube-audit', 'guard'], 'AKSAudit'),
      expect: ['truncated-events'],
    },
    { name: 'truncated-cloudwatch', provider: 'eks', envelope: cw, events: dense(), extraLines: [cut(1), cut(2)], facts: eksFacts(), expect: ['truncated-events'] },
    {
      // the week's read share is fine (about 20%), but three whole days had writes and not one get or list
      name: 'reads-stop',
      provider: 'files',
      envelope: raw,
      events: [
        ...old,
        ...traffic({ from, to: new Date(stretch.noReads.from) }),
        ...traffic({ from: new Date(stretch.noReads.from), to: new Date(stretch.noReads.to), reads: false, watches: true }),
        ...traffic({ from: new Date(stretch.noReads.to), to: end }),
      ],
      facts: [],
      expect: ['reads-observed'],
    },
    {
      // the week's p95 is 30 s; one day's is 20 min
      name: 'lag-slow-day',
      provider: 'eks',
      envelope: cw,
      events: [
        ...old,
        ...traffic({ from, to: new Date(stretch.slow.from) }),
        ...traffic({ from: new Date(stretch.slow.from), to: new Date(stretch.slow.to), lagSeconds: 20 * 60 }),
        ...traffic({ from: new Date(stretch.slow.to), to: end }),
      ],
      facts: eksFacts(),
      expect: ['ingestion-lag'],
    },
    { name: 'high-lag', provider: 'eks', envelope: cw, events: [...old, ...traffic({ from, to: new Date(now.getTime() - 15 * 60e3), lagSeconds: 20 * 60 })], facts: eksFacts(), expect: ['ingestion-lag'] },
    { name: 'shared-admin', provider: 'eks', envelope: cw, events: dense({ sharedAdminPerDay: 2 }), facts: eksFacts(), expect: ['shared-admin-identity'] },
    { name: 'no-pod-attribution', provider: 'eks', envelope: cw, events: dense({ podAttribution: false }), facts: eksFacts(), expect: ['sa-pod-attribution'] },
    { name: 'stale', provider: 'eks', envelope: cw, events: [...old, ...traffic({ from, to: new Date(now.getTime() - 6 * HOUR) })], facts: eksFacts(), expect: ['freshness'] },
    { name: 'short-history', provider: 'eks', envelope: cw, events: traffic({ from: new Date(now.getTime() - 10 * DAY), to: end }), facts: eksFacts(), expect: ['history-meets-target'] },
    {
      name: 'posture-unreadable',
      provider: 'eks',
      envelope: cw,
      events: dense(),
      facts: [
        unknownFact('audit_log_enabled', 'AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/kubetrail/ci is not authorized to perform: eks:DescribeCluster'),
        unknownFact('log_types', 'AccessDeniedException: not authorized to perform: eks:DescribeCluster'),
        unknownFact('log_group_exists', 'AccessDeniedException: not authorized to perform: logs:DescribeLogGroups'),
        unknownFact('retention_days', 'AccessDeniedException: not authorized to perform: logs:DescribeLogGroups'),
      ],
      expect: ['posture-readable'],
    },
    { name: 'no-events', provider: 'eks', envelope: cw, events: [], facts: eksFacts(), expect: ['events-present'] },
    {
      name: 'gke-short-default-bucket',
      provider: 'gke',
      envelope: { kind: 'gke', project: 'shop-prod-1234' },
      events: dense(),
      facts: gkeFacts({ dataAccess: true, defaultDays: 30, service: true }),
      expect: ['retention-meets-target'],
    },
    {
      name: 'gke-exclusion',
      provider: 'gke',
      envelope: { kind: 'gke', project: 'shop-prod-1234' },
      events: dense(),
      facts: [
        fact('data_access_enabled', { ADMIN_READ: true, DATA_READ: true, DATA_WRITE: false }),
        fact('default_bucket_retention_days', 120),
        fact('k8s_exclusions', [{ name: 'drop-leases', filter: 'protoPayload.methodName="io.k8s.coordination.v1.leases.update"', sink: '_Default' }]),
      ],
      expect: ['reads-collected'],
    },
    {
      name: 'aks-basic-plan',
      provider: 'aks',
      envelope: { kind: 'azure', category: 'kube-audit', resourceId: AKS_ID },
      events: dense(),
      facts: [...aksFacts(['kube-audit'], 'AKSAudit').filter((f) => !['table_plan', 'table_retention_days', 'table_total_retention_days'].includes(f.fact)),
        fact('table_plan', 'Basic'), fact('table_retention_days', -1), fact('table_total_retention_days', -1)],
      expect: ['retention-meets-target'],
    },
  ];
}

/** Detections to judge blindness against (the library's metadata shape). */
export const DETECTIONS: Detection[] = [
  { id: 'credentials/secret-read-by-unusual-client', title: 'Secret read by an unusual client', severity: 'high', mitre: ['T1552.007'], needs: ['metadata', 'read-verbs'], blindOn: {}, description: '', falsePositives: '', response: '', tags: [], file: 'x.sql' },
  { id: 'credentials/token-request', title: 'Service-account token minted by a person', severity: 'medium', mitre: ['T1528'], needs: ['metadata'], blindOn: { gke: 'GKE does not log TokenRequest.' }, description: '', falsePositives: '', response: '', tags: [], file: 'x.sql' },
  { id: 'workloads/privileged-pod', title: 'Privileged container created', severity: 'high', mitre: ['T1611'], needs: ['request-bodies'], blindOn: {}, description: '', falsePositives: '', response: '', tags: [], file: 'x.sql' },
  { id: 'workloads/exec-into-pod', title: 'Exec into a pod', severity: 'medium', mitre: ['T1609'], needs: ['metadata'], blindOn: {}, partlyNeeds: { 'read-verbs': 'exec over WebSocket is a get on pods/exec' }, description: '', falsePositives: '', response: '', tags: [], file: 'x.sql' },
];

export async function buildScenarios(dir: string, only?: (s: Scenario) => boolean): Promise<Built> {
  mkdirSync(dir, { recursive: true });
  const now = new Date();
  // The hole: three whole hours, 10:00-13:00 UTC two days back (inside the 7-day window, far from its
  // edges, and on one day whatever the time the tests run: the reports draw a line per day).
  const holeStart = Math.floor(now.getTime() / DAY) * DAY - 2 * DAY + 10 * HOUR;
  const list = scenarios(now, holeStart).filter(only ?? (() => true));
  const dbPath = join(dir, 'kubetrail.duckdb');
  const db = await Database.open(dbPath);
  const stagingDir = prepareStagingDir(dbPath);
  const ids = new Map<string, string[]>();
  const clusters = list.map((s) => clusterEntry(s, dir));
  const job: LoadedJob = {
    path: join(dir, 'job.yaml'),
    job: jobFileSchema.parse({
      database: dbPath,
      clusters,
      coverage: { clusters: Object.fromEntries(list.filter((s) => s.coverage).map((s) => [s.name, s.coverage])) },
    }),
    resolvePath: (p) => p,
  };
  for (const s of list) {
    const file = join(dir, `${s.name}.jsonl`);
    ids.set(s.name, writeEvents(file, s.name, s.events, s.envelope, s.extraLines));
    const runId = `run-${s.name}`;
    const r = await pullCluster(db, { name: s.name, provider: s.provider }, filesSource({ paths: [file], mode: 'import' }), { runId, log: silentLogger(), stagingDir });
    if (r.status !== 'ok') throw new Error(`landing ${s.name} failed: ${r.error}`);
    await insertFacts(db, runId, s.name, s.provider, s.facts);
  }
  return { db, job, now, holeStart, silences: silencesFor(now), stretches: stretchesFor(now), scenarios: list, ids };
}

function clusterEntry(s: Scenario, dir: string): Record<string, unknown> {
  switch (s.provider) {
    case 'eks':
      return { name: s.name, provider: 'eks', region: 'eu-west-1', cluster: s.name };
    case 'gke':
      return { name: s.name, provider: 'gke', project: 'shop-prod-1234', location: 'europe-west1', cluster: s.name };
    case 'aks':
      return { name: s.name, provider: 'aks', workspaceId: '11111111-2222-4333-8444-555555555555', resourceId: AKS_ID };
    case 'files':
      return { name: s.name, provider: 'files', paths: [join(dir, `${s.name}.jsonl`)] };
  }
}

/** posture_facts rows in the documented shape, as pullCluster records a source's posture(). */
export async function insertFacts(db: Database, runId: string, cluster: string, provider: string, facts: PostureFact[]): Promise<void> {
  const conn = await db.connect();
  try {
    for (const f of facts) {
      await conn.run(
        `INSERT INTO posture_facts (run_id, cluster, provider, fact, status, value, reason, observed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
        [runId, cluster, provider, f.fact, f.status, f.value === undefined ? null : JSON.stringify(f.value), f.reason ?? null],
      );
    }
  } finally {
    conn.closeSync();
  }
}
