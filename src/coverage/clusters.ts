/**
 * Which clusters the coverage checks and reports speak about, with each one's thresholds and the values
 * its remediation commands need: the enabled clusters of the job file, plus clusters that are not in the
 * file but were imported or pulled within the coverage window (`import --provider`); a cluster removed
 * from the file drops out once its last landing is older than the window.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ClusterConfig } from '../config/job-file.js';
import type { LoadedJob } from '../config/load.js';
import { COVERAGE_DEFAULTS } from '../config/sections/coverage.js';
import { plainRows } from '../queries/plain-rows.js';

export type CoverageProvider = 'eks' | 'gke' | 'aks' | 'files';

export interface Thresholds {
  windowMs: number;
  retentionTargetDays: number;
  gapHours: number;
  minEventsPerHour: number;
  minEventsPerDay: number;
  minRequests: number;
  freshnessSeconds: number;
  lagP95Seconds: number;
  minReadShare: number;
  minBodyShare: number;
  minPodAttribution: number;
  maxTruncated: number;
}

export interface CoverageCluster {
  cluster: string;
  provider: CoverageProvider;
  inJob: boolean;
  labels: Record<string, string>;
  thresholds: Thresholds;
  /** Values for {{name}} in remediation texts. */
  vars: Record<string, string>;
}

export interface SharedIdentityLists {
  sharedUsers: string[];
  sharedGroups: string[];
  sharedExclude: string[];
  podAttributionExclude: string[];
}

export async function coverageClusters(conn: DuckDBConnection, job: LoadedJob, now: Date): Promise<CoverageCluster[]> {
  const configured = job.job.clusters.filter((c) => c.enabled);
  const names = new Set(job.job.clusters.map((c) => c.name));
  const since = new Date(now.getTime() - (job.job.coverage?.window ?? COVERAGE_DEFAULTS.window)).toISOString();
  const seen = await plainRows<{ cluster: string; provider: string }>(
    conn,
    `SELECT cluster, arg_max(provider, seen_at) AS provider FROM (
       SELECT cluster, provider, coalesce(finished_at, started_at) AS seen_at FROM run_clusters
       UNION ALL SELECT cluster, provider, observed_at AS seen_at FROM posture_facts
     ) GROUP BY cluster HAVING max(seen_at) >= CAST($since AS TIMESTAMPTZ) ORDER BY cluster`,
    { since },
  );
  // exports of a managed cluster read from files are judged by that provider's rules
  const out = configured.map((c) => describeCluster(job, c.name, c.provider === 'files' && c.origin ? c.origin : c.provider, c));
  for (const s of seen) if (!names.has(s.cluster)) out.push(describeCluster(job, s.cluster, asProvider(s.provider)));
  return out;
}

export function sharedIdentityLists(job: LoadedJob): SharedIdentityLists {
  const s = job.job.coverage ?? {};
  return {
    sharedUsers: [...(s.sharedUsers ?? COVERAGE_DEFAULTS.sharedUsers)],
    sharedGroups: [...(s.sharedGroups ?? COVERAGE_DEFAULTS.sharedGroups)],
    sharedExclude: [...(s.sharedExclude ?? COVERAGE_DEFAULTS.sharedExclude)],
    podAttributionExclude: [...(s.podAttributionExclude ?? COVERAGE_DEFAULTS.podAttributionExclude)],
  };
}

function asProvider(p: string): CoverageProvider {
  return p === 'eks' || p === 'gke' || p === 'aks' ? p : 'files';
}

export function thresholdsFor(job: LoadedJob, cluster: string, provider: CoverageProvider): Thresholds {
  const d = COVERAGE_DEFAULTS;
  const s = job.job.coverage ?? {};
  const o = s.clusters?.[cluster] ?? {};
  const pick = <K extends 'window' | 'retentionTarget' | 'gapHours' | 'minEventsPerHour' | 'minEventsPerDay' | 'minRequests' | 'minReadShare' | 'minBodyShare' | 'minPodAttribution' | 'maxTruncated'>(k: K): number =>
    (o[k] ?? s[k] ?? d[k]) as number;
  const perProvider = (k: 'freshness' | 'lagP95'): number => o[k]?.[provider] ?? s[k]?.[provider] ?? d[k][provider];
  return {
    windowMs: pick('window'),
    retentionTargetDays: pick('retentionTarget') / 86400e3,
    gapHours: pick('gapHours'),
    minEventsPerHour: pick('minEventsPerHour'),
    minEventsPerDay: pick('minEventsPerDay'),
    minRequests: pick('minRequests'),
    freshnessSeconds: perProvider('freshness') / 1000,
    lagP95Seconds: perProvider('lagP95') / 1000,
    minReadShare: pick('minReadShare'),
    minBodyShare: pick('minBodyShare'),
    minPodAttribution: pick('minPodAttribution'),
    maxTruncated: pick('maxTruncated'),
  };
}

// CloudWatch Logs accepts only these retention values (PutRetentionPolicy).
const CLOUDWATCH_RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function describeCluster(job: LoadedJob, name: string, provider: CoverageProvider, config?: ClusterConfig): CoverageCluster {
  const thresholds = thresholdsFor(job, name, provider);
  const days = Math.ceil(thresholds.retentionTargetDays);
  const vars: Record<string, string> = {
    cluster: name,
    provider,
    jobFile: job.path,
    retentionDays: String(days),
    retentionCloudWatch: String(CLOUDWATCH_RETENTION.find((v) => v >= days) ?? 3653),
    // Log Analytics: interactive retention 4-730 days, total up to 4383.
    retentionLogAnalytics: String(Math.min(730, Math.max(4, days))),
    retentionLogAnalyticsTotal: String(Math.min(4383, Math.max(4, days))),
    region: '<region>',
    eksCluster: '<eks-cluster-name>',
    logGroup: '<log-group>',
    project: '<project>',
    location: '<location>',
    gkeCluster: '<gke-cluster-name>',
    resourceId: '<aks-resource-id>',
    subscription: '<subscription>',
    resourceGroup: '<resource-group>',
    aksName: '<aks-cluster-name>',
    workspaceId: '<workspace-id>',
    workspaceResourceId: '<workspace-resource-id>',
    workspaceName: '<workspace-name>',
    workspaceResourceGroup: '<workspace-resource-group>',
    auditTable: 'AKSAudit',
  };
  if (config?.provider === 'eks') {
    vars.region = config.region;
    vars.eksCluster = config.cluster;
    vars.logGroup = config.logGroup ?? `/aws/eks/${config.cluster}/cluster`;
  } else if (config?.provider === 'gke') {
    vars.project = config.project;
    vars.location = config.location;
    vars.gkeCluster = config.cluster;
  } else if (config?.provider === 'aks') {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i.exec(config.resourceId);
    vars.resourceId = config.resourceId;
    vars.subscription = m?.[1] ?? vars.subscription!;
    vars.resourceGroup = m?.[2] ?? vars.resourceGroup!;
    vars.aksName = m?.[3] ?? vars.aksName!;
    vars.workspaceId = config.workspaceId;
    if (config.table === 'AKSAuditAdmin' || config.table === 'AzureDiagnostics') vars.auditTable = config.table;
  }
  return { cluster: name, provider, inJob: !!config, labels: config?.labels ?? {}, thresholds, vars };
}

/** Replace {{name}} with the cluster's values; unknown names are left for the reader to fill in. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (m, k: string) => vars[k] ?? m);
}
