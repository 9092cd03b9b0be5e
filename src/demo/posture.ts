/**
 * The demo's posture: what the EKS, GKE and AKS APIs would say about the audit configuration of
 * demo-eks, demo-gke and demo-aks today, as the facts their sources write (src/sources/<provider>/posture.ts,
 * docs/posture-facts.md): the same fact names, value shapes and kinds of reason. The demo reads its
 * clusters from files, which carry no posture, so `kubetrail demo` records these facts itself
 * (recordDemoPosture) before the run's coverage step, as a pull of the real cluster would have.
 *
 * They tell the story of STORY.md's gaps table: demo-eks sends its audit log type to a log group kept
 * RETENTION.eksDays days; demo-gke's project turned Data Access on mid-week (the facts say what is true
 * now: on); demo-aks's diagnostic setting sends only kube-audit-admin to the workspace's AKSAuditAdmin
 * table. `audit_rows_by_table` (AKS: what a query of the workspace finds) is left out: there is no
 * workspace to query.
 */
import type { Database } from '../store/database.js';
import type { PostureFact } from '../sources/types.js';
import { AKS_RESOURCE_ID, AKS_SUBSCRIPTION, AWS_ACCOUNT, EKS_VERSION, GKE_PROJECT, K8S } from './clusters.js';
import { WORKSPACE_CUSTOMER_ID } from './write-aks.js';

export const AWS_REGION = 'us-east-1';
export const EKS_LOG_GROUP = '/aws/eks/demo-eks/cluster';
export const AKS_WORKSPACE_RESOURCE_ID = `/subscriptions/${AKS_SUBSCRIPTION}/resourceGroups/rg-demo/providers/Microsoft.OperationalInsights/workspaces/law-demo`;
export const AKS_DIAGNOSTIC_SETTING = 'aks-audit-to-law-demo';

/** Retention of each cluster's audit events, in days, as its provider keeps them. */
export const RETENTION = {
  /** CloudWatch Logs retentionInDays of EKS_LOG_GROUP. */
  eksDays: 90,
  /** Cloud Logging _Default bucket (Data Access entries); _Required (Admin Activity) keeps 400, fixed. */
  gkeDefaultDays: 30,
  gkeRequiredDays: 400,
  /** Log Analytics workspace default; the AKSAuditAdmin table uses it (-1). */
  aksWorkspaceDays: 30,
} as const;

/** EKS control-plane log types turned on for demo-eks. */
export const EKS_ENABLED_LOG_TYPES = ['api', 'audit', 'authenticator'] as const;
/** What demo-aks's diagnostic setting sends to the workspace. */
export const AKS_CATEGORIES = ['kube-audit-admin'] as const;

export interface ClusterPosture {
  cluster: string;
  /** As pull records it: the cluster's origin (jobs/demo.yaml). */
  provider: 'eks' | 'gke' | 'aks';
  facts: PostureFact[];
  /** One line for STORY.md's gaps table. */
  summary: string;
}

const known = (fact: string, value: unknown, reason?: string): PostureFact => ({ fact, status: 'known', value, ...(reason ? { reason } : {}) });
const minor = (v: string) => /^v?(\d+\.\d+)/.exec(v)![1]!;

function eksPosture(): ClusterPosture {
  const where = 'eks:DescribeCluster demo-eks logging.clusterLogging';
  const types = Object.fromEntries(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((t) => [t, (EKS_ENABLED_LOG_TYPES as readonly string[]).includes(t)]));
  const group = `${EKS_LOG_GROUP} in ${AWS_REGION} (account ${AWS_ACCOUNT})`;
  return {
    cluster: 'demo-eks',
    provider: 'eks',
    facts: [
      known('audit_log_enabled', true, `${where}: audit is enabled`),
      known('log_types', [...EKS_ENABLED_LOG_TYPES], where),
      known('control_plane_log_types', types, where),
      known('kubernetes_version', minor(EKS_VERSION), 'eks:DescribeCluster demo-eks'),
      known('log_group_exists', true, `logs:DescribeLogGroups ${group}`),
      known('retention_days', RETENTION.eksDays, `${EKS_LOG_GROUP} retentionInDays`),
      known('log_group', {
        name: EKS_LOG_GROUP,
        region: AWS_REGION,
        account: AWS_ACCOUNT,
        exists: true,
        arn: `arn:aws:logs:${AWS_REGION}:${AWS_ACCOUNT}:log-group:${EKS_LOG_GROUP}:*`,
        class: 'STANDARD',
        stored_bytes: null,
        created: null,
      }),
    ],
    summary: `log types ${EKS_ENABLED_LOG_TYPES.join(', ')} on; log group \`${EKS_LOG_GROUP}\` kept ${RETENTION.eksDays} days`,
  };
}

function gkePosture(dataAccessFromUs: number): ClusterPosture {
  const dataAccessSince = new Date(Math.floor(dataAccessFromUs / 1000)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const bucket = (b: string) => `projects/${GKE_PROJECT}/locations/global/buckets/${b}`;
  const service = 'container.googleapis.com';
  // the _Default sink's filter as every project gets it
  const defaultFilter = ['activity', 'system_event', 'access_transparency']
    .flatMap((l) => ['cloudaudit', 'externalaudit'].map((p) => `NOT LOG_ID("${p}.googleapis.com/${l}")`))
    .join(' AND ');
  return {
    cluster: 'demo-gke',
    provider: 'gke',
    facts: [
      known('audit_logs_enabled', true, 'GKE always writes Admin Activity audit logs (Kubernetes writes); they cannot be turned off'),
      known(
        'data_access_logs',
        { enabled: true, logTypes: { ADMIN_READ: true, DATA_READ: true, DATA_WRITE: false }, services: [service], exemptedMembers: [], enabledBy: [`projects/${GKE_PROJECT}`], policiesRead: [`projects/${GKE_PROJECT}`] },
        `enabled by the IAM policy of projects/${GKE_PROJECT} (${service})`,
      ),
      known('data_access_enabled', { ADMIN_READ: true, DATA_READ: true, DATA_WRITE: false, service }, `IAM policy auditConfigs of projects/${GKE_PROJECT}`),
      known('reads_logged', true, 'Kubernetes reads (get, list, watch) are Data Access entries of types ADMIN_READ and DATA_READ'),
      known('reader_permissions', { 'logging.logEntries.list': true, 'logging.privateLogEntries.list': true }, 'kubetrail can read Admin Activity and Data Access entries'),
      known('default_bucket', { name: bucket('_Default'), retentionDays: RETENTION.gkeDefaultDays, locked: false, lifecycleState: 'ACTIVE' }),
      known('required_bucket', { name: bucket('_Required'), retentionDays: RETENTION.gkeRequiredDays, locked: true, lifecycleState: 'ACTIVE' }),
      known('default_bucket_retention_days', RETENTION.gkeDefaultDays, bucket('_Default')),
      known('required_bucket_retention_days', RETENTION.gkeRequiredDays, bucket('_Required')),
      known('retention_days', Math.min(RETENTION.gkeDefaultDays, RETENTION.gkeRequiredDays), 'shortest of _Required (Admin Activity) and _Default (Data Access)'),
      known('default_sink', { destination: `logging.googleapis.com/${bucket('_Default')}`, disabled: false, filter: defaultFilter }),
      known('log_exclusions', { exclusions: [], mayDrop: [] }),
      known('k8s_exclusions', []),
    ],
    summary: `Data Access (ADMIN_READ, DATA_READ) on for ${service} since ${dataAccessSince}; no exclusions; _Default bucket kept ${RETENTION.gkeDefaultDays} days, _Required ${RETENTION.gkeRequiredDays}`,
  };
}

function aksPosture(): ClusterPosture {
  const ws = AKS_WORKSPACE_RESOURCE_ID;
  const table = 'AKSAuditAdmin';
  const where = `table ${table} of ${ws}`;
  const categories = [...AKS_CATEGORIES];
  return {
    cluster: 'demo-aks',
    provider: 'aks',
    facts: [
      known('diagnostic_settings', [
        {
          name: AKS_DIAGNOSTIC_SETTING,
          workspace_resource_id: ws,
          mode: 'resource-specific',
          categories,
          category_groups: [],
          expanded_categories: categories,
          storage_account: false,
          event_hub: false,
        },
      ]),
      known('diagnostic_categories', categories, `enabled by ${AKS_DIAGNOSTIC_SETTING}`),
      known('audit_destination', { setting: AKS_DIAGNOSTIC_SETTING, workspace_resource_id: ws, workspace_id: WORKSPACE_CUSTOMER_ID, mode: 'resource-specific', table }),
      known('workspace_resource_id', ws),
      known('workspace_retention_days', RETENTION.aksWorkspaceDays, `workspace ${ws} (PerGB2018)`),
      known('workspace_daily_cap_gb', null, 'no daily cap'),
      known('table_plan', 'Analytics', where),
      known('table_retention_days', -1, `${where}: the workspace default (days the events can be queried)`),
      known('table_total_retention_days', -1, `${where}: same as interactive (days kept, long-term retention included)`),
      known('kubernetes_version', minor(K8S), `${AKS_RESOURCE_ID}: ${K8S.replace(/^v/, '')}`),
      known('audit_table', table, 'admin-only audit logs (kube-audit-admin): get and list requests are not collected, reads are invisible'),
    ],
    summary: `diagnostic setting sends only ${categories.join(', ')} (table ${table}, plan Analytics); workspace kept ${RETENTION.aksWorkspaceDays} days`,
  };
}

/** The facts of the three managed clusters; `gkeDataAccessFromUs` is when demo-gke's project turned Data Access on (for the summary). */
export function demoPosture(gkeDataAccessFromUs: number): ClusterPosture[] {
  return [eksPosture(), gkePosture(gkeDataAccessFromUs), aksPosture()];
}

/** posture_facts rows for `runId`, as pullCluster records a source's posture (one statement for all of them). */
export async function recordDemoPosture(db: Database, runId: string, posture: ClusterPosture[]): Promise<number> {
  const rows = posture.flatMap((p) =>
    p.facts.map((f) => ({
      cluster: p.cluster,
      provider: p.provider,
      fact: f.fact,
      status: f.status,
      value: f.value === undefined ? null : JSON.stringify(f.value),
      reason: f.reason ?? null,
    })),
  );
  const conn = await db.connect();
  try {
    await conn.run(
      `INSERT OR REPLACE INTO posture_facts (run_id, cluster, provider, fact, status, value, reason, observed_at)
       SELECT $run, r.cluster, r.provider, r.fact, r.status, CAST(r.value AS JSON), r.reason, now()
       FROM (SELECT unnest(from_json($rows, '[{"cluster":"VARCHAR","provider":"VARCHAR","fact":"VARCHAR","status":"VARCHAR","value":"VARCHAR","reason":"VARCHAR"}]')) AS r)`,
      { run: runId, rows: JSON.stringify(rows) },
    );
  } finally {
    conn.closeSync();
  }
  return rows.length;
}
