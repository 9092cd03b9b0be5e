/**
 * The posture facts the coverage checks read: the contract between the sources (which write them into
 * `posture_facts` through `Source.posture`) and queries/coverage/*.sql. docs/posture-facts.md is the
 * prose version of this module; keep them together.
 *
 * Every fact is a row {fact, status: known|unknown, value (JSON), reason}. A fact the source could not
 * read is written `unknown` with the reason, naming the missing permission when that is the cause; a fact
 * that does not apply is left out.
 */
import type { PostureFact } from '../sources/types.js';

export const FACTS = {
  // Written by the pipeline when a source's posture() throws: the whole posture is unknown.
  posture: 'posture',
  // Any managed provider
  kubernetesVersion: 'kubernetes_version',
  // EKS (eks:DescribeCluster, logs:DescribeLogGroups)
  eksAuditLogEnabled: 'audit_log_enabled',
  eksLogTypes: 'log_types',
  eksLogGroupExists: 'log_group_exists',
  eksRetentionDays: 'retention_days',
  // GKE (resourcemanager.projects.getIamPolicy, logging.buckets.get, logging.sinks.get)
  gkeDataAccess: 'data_access_enabled',
  gkeDefaultBucketRetentionDays: 'default_bucket_retention_days',
  gkeRequiredBucketRetentionDays: 'required_bucket_retention_days',
  gkeK8sExclusions: 'k8s_exclusions',
  // AKS (Microsoft.Insights/diagnosticSettings/read, Microsoft.OperationalInsights/workspaces[/tables]/read)
  aksDiagnosticCategories: 'diagnostic_categories',
  aksAuditTable: 'audit_table',
  aksTablePlan: 'table_plan',
  aksTableRetentionDays: 'table_retention_days',
  aksTableTotalRetentionDays: 'table_total_retention_days',
  aksWorkspaceRetentionDays: 'workspace_retention_days',
  aksWorkspaceResourceId: 'workspace_resource_id',
} as const;

export type FactName = (typeof FACTS)[keyof typeof FACTS];

/** Value shapes, for the sources' convenience (the SQL reads them as JSON). */
export interface FactValues {
  kubernetes_version: string; // "1.30"
  audit_log_enabled: boolean; // "audit" is in an enabled clusterLogging entry
  log_types: string[]; // the enabled control-plane log types
  log_group_exists: boolean; // /aws/eks/<cluster>/cluster (or the configured logGroup)
  retention_days: number | null; // retentionInDays; null = never expires. Leave out when the group does not exist.
  data_access_enabled: { ADMIN_READ: boolean; DATA_READ: boolean; DATA_WRITE: boolean | null; service?: string; exemptedMembers?: string[] };
  default_bucket_retention_days: number; // _Default bucket retentionDays (Data Access entries)
  required_bucket_retention_days: number; // _Required bucket (Admin Activity): 400, fixed
  k8s_exclusions: { name: string; filter: string; sink?: string }[]; // enabled exclusions that can drop k8s.io entries
  diagnostic_categories: string[]; // categories enabled towards a Log Analytics workspace, category groups expanded
  audit_table: 'AKSAudit' | 'AKSAuditAdmin' | 'AzureDiagnostics';
  table_plan: 'Analytics' | 'Basic' | 'Auxiliary';
  table_retention_days: number | null; // interactive retention of audit_table; null or -1 = the workspace's
  table_total_retention_days: number | null; // including long-term retention; null or -1 = same as interactive
  workspace_retention_days: number;
  workspace_resource_id: string; // the diagnostic setting's workspaceId (an ARM resource ID); fills the table commands
}

export function fact<K extends keyof FactValues>(name: K, value: FactValues[K], reason?: string): PostureFact {
  return { fact: name, status: 'known', value, reason };
}

export function unknownFact(name: FactName, reason: string): PostureFact {
  return { fact: name, status: 'unknown', reason };
}

export interface RequiredFact {
  provider: 'eks' | 'gke' | 'aks';
  fact: FactName;
  /** The permission (or role) that reads it: shown when the fact is missing and the source gave no reason. */
  permission: string;
  /** Checks that need it. */
  usedBy: string[];
}

/** What posture-readable expects each provider's source to have read. */
export const REQUIRED_FACTS: RequiredFact[] = [
  { provider: 'eks', fact: FACTS.eksAuditLogEnabled, permission: 'eks:DescribeCluster', usedBy: ['audit-logging-enabled', 'reads-collected'] },
  { provider: 'eks', fact: FACTS.eksLogGroupExists, permission: 'logs:DescribeLogGroups', usedBy: ['retention-meets-target'] },
  { provider: 'eks', fact: FACTS.eksRetentionDays, permission: 'logs:DescribeLogGroups', usedBy: ['retention-meets-target'] },
  { provider: 'gke', fact: FACTS.gkeDataAccess, permission: 'resourcemanager.projects.getIamPolicy (roles/iam.securityReviewer)', usedBy: ['reads-collected'] },
  { provider: 'gke', fact: FACTS.gkeDefaultBucketRetentionDays, permission: 'logging.buckets.get (roles/logging.viewer)', usedBy: ['retention-meets-target'] },
  { provider: 'gke', fact: FACTS.gkeK8sExclusions, permission: 'logging.sinks.get (roles/logging.viewer)', usedBy: ['reads-collected'] },
  { provider: 'aks', fact: FACTS.aksDiagnosticCategories, permission: 'Microsoft.Insights/diagnosticSettings/read (Monitoring Reader on the cluster)', usedBy: ['audit-logging-enabled', 'reads-collected'] },
  { provider: 'aks', fact: FACTS.aksTablePlan, permission: 'Microsoft.OperationalInsights/workspaces/tables/read (Log Analytics Reader on the workspace)', usedBy: ['retention-meets-target'] },
  { provider: 'aks', fact: FACTS.aksTableRetentionDays, permission: 'Microsoft.OperationalInsights/workspaces/tables/read (Log Analytics Reader on the workspace)', usedBy: ['retention-meets-target'] },
  { provider: 'aks', fact: FACTS.aksWorkspaceRetentionDays, permission: 'Microsoft.OperationalInsights/workspaces/read (Log Analytics Reader on the workspace)', usedBy: ['retention-meets-target'] },
];
