/**
 * An AKS cluster's audit posture, read from ARM, as the facts the coverage checks read
 * (src/coverage/facts.ts, docs/posture-facts.md): the categories its diagnostic settings send to Log
 * Analytics (category groups expanded), the workspace, the audit table's plan and retention, the
 * workspace's default retention, the Kubernetes version; plus facts of our own that explain them
 * (`diagnostic_settings`, `audit_destination`, `workspace_daily_cap_gb`). Every fact that cannot be
 * read is `unknown` with the reason, naming the role the identity lacks.
 */
import type { ContainerServiceClient } from '@azure/arm-containerservice';
import { describe } from '../../errors.js';
import type { PostureFact } from '../types.js';
import { ArmReader, NEED_CLUSTER_DIAGNOSTICS, NEED_TABLE, NEED_WORKSPACE } from './arm.js';
import { AUDIT_CATEGORIES, type AuditTable } from './kql.js';

const DIAG_API = '2021-05-01-preview';
const WORKSPACE_API = '2025-02-01';

/** Category groups of managed clusters, for when the service's own list cannot be read. */
const GROUPS_FALLBACK: Record<string, string[]> = {
  audit: ['kube-audit', 'kube-audit-admin', 'guard'],
  alllogs: [
    'kube-apiserver', 'kube-audit', 'kube-audit-admin', 'kube-controller-manager', 'kube-scheduler', 'cluster-autoscaler',
    'cloud-controller-manager', 'guard', 'csi-azuredisk-controller', 'csi-azurefile-controller', 'csi-snapshot-controller',
  ],
};

interface DiagnosticSettingResource {
  name?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    logAnalyticsDestinationType?: string | null;
    logs?: Array<{ category?: string | null; categoryGroup?: string | null; enabled?: boolean }>;
  };
}

interface CategoryResource {
  name?: string;
  properties?: { categoryType?: string; categoryGroups?: string[] };
}

interface WorkspaceResource {
  id?: string;
  properties?: { customerId?: string; retentionInDays?: number; workspaceCapping?: { dailyQuotaGb?: number }; sku?: { name?: string } };
}

interface TableResource {
  properties?: {
    plan?: string;
    retentionInDays?: number;
    totalRetentionInDays?: number;
    retentionInDaysAsDefault?: boolean;
    totalRetentionInDaysAsDefault?: boolean;
  };
}

export interface SettingSummary {
  name: string;
  workspace_resource_id: string | null;
  /** resource-specific (AKSAudit/AKSAuditAdmin tables) or azure-diagnostics (AzureDiagnostics table). */
  mode: 'resource-specific' | 'azure-diagnostics' | null;
  categories: string[];
  category_groups: string[];
  /** Every category the setting enables, groups expanded. */
  expanded_categories: string[];
  storage_account: boolean;
  event_hub: boolean;
}

export interface PostureInput {
  resourceId: string;
  workspaceId: string;
  workspaceResourceId?: string;
  /** The table the events were found in (from the data), for its plan and retention. */
  auditTable?: AuditTable;
  signal?: AbortSignal;
}

export interface ArmPosture {
  facts: PostureFact[];
  /** The table the diagnostic settings say the audit events go to in the job's workspace. */
  expectedTable?: AuditTable;
}

const known = (fact: string, value: unknown, reason?: string): PostureFact => ({ fact, status: 'known', value, ...(reason ? { reason } : {}) });
const unknown = (fact: string, reason: string): PostureFact => ({ fact, status: 'unknown', reason });

export async function readArmPosture(arm: ArmReader, input: PostureInput): Promise<ArmPosture> {
  const facts: PostureFact[] = [];
  const settings = await readSettings(arm, input);
  let expectedTable: AuditTable | undefined;
  let workspaceResourceId = input.workspaceResourceId;
  let workspace: WorkspaceResource | undefined;
  let workspaceProblem: string | undefined;

  if (!settings.ok) {
    for (const f of ['diagnostic_settings', 'diagnostic_categories', 'audit_destination']) facts.push(unknown(f, settings.reason));
  } else {
    const list = settings.body;
    facts.push(known('diagnostic_settings', list, settings.note));
    const toWorkspace = list.filter((s) => s.workspace_resource_id);
    facts.push(
      known(
        'diagnostic_categories',
        [...new Set(toWorkspace.flatMap((s) => s.expanded_categories))].sort(),
        settings.note ?? (toWorkspace.length ? `enabled by ${toWorkspace.map((s) => s.name).join(', ')}` : 'no diagnostic setting sends logs to a Log Analytics workspace'),
      ),
    );

    // The setting that sends audit events to the job's workspace, matched by the workspace's ID.
    const auditing = toWorkspace.filter((s) => s.expanded_categories.some((c) => (AUDIT_CATEGORIES as readonly string[]).includes(c)));
    const candidates = [...new Set(auditing.map((s) => s.workspace_resource_id!))];
    let matched: SettingSummary | undefined;
    const seen: string[] = [];
    for (const wid of candidates) {
      const ws = await arm.get<WorkspaceResource>(wid, WORKSPACE_API, NEED_WORKSPACE, input.signal);
      if (!ws.ok) {
        workspaceProblem = `workspace ${wid}: ${ws.reason}`;
        continue;
      }
      const cid = ws.body.properties?.customerId;
      seen.push(`${wid} (workspace ID ${cid ?? '?'})`);
      if (cid && cid.toLowerCase() === input.workspaceId.toLowerCase()) {
        matched = auditing.find((s) => s.workspace_resource_id === wid);
        workspaceResourceId ??= wid;
        workspace = ws.body;
        break;
      }
    }
    if (matched) {
      expectedTable =
        matched.mode === 'azure-diagnostics' ? 'AzureDiagnostics' : matched.expanded_categories.includes('kube-audit') ? 'AKSAudit' : 'AKSAuditAdmin';
      facts.push(
        known('audit_destination', {
          setting: matched.name,
          workspace_resource_id: matched.workspace_resource_id,
          workspace_id: input.workspaceId.toLowerCase(),
          mode: matched.mode,
          table: expectedTable,
        }),
      );
    } else if (workspaceProblem && !seen.length) {
      facts.push(unknown('audit_destination', workspaceProblem));
    } else {
      facts.push(
        known(
          'audit_destination',
          null,
          auditing.length === 0
            ? 'no diagnostic setting sends kube-audit or kube-audit-admin to a Log Analytics workspace'
            : `no diagnostic setting sends audit events to the job's workspace ${input.workspaceId}; they go to ${seen.join(', ') || candidates.join(', ')}`,
        ),
      );
    }
  }

  // The workspace and the audit table.
  if (!workspace && workspaceResourceId) {
    const ws = await arm.get<WorkspaceResource>(workspaceResourceId, WORKSPACE_API, NEED_WORKSPACE, input.signal);
    if (ws.ok) workspace = ws.body;
    else workspaceProblem = `workspace ${workspaceResourceId}: ${ws.reason}`;
  }
  if (workspaceResourceId) facts.push(known('workspace_resource_id', workspaceResourceId));
  const noWorkspace =
    workspaceProblem ??
    `the resource ID of workspace ${input.workspaceId} is unknown: no readable diagnostic setting sends audit events to it; set workspaceResourceId in the job file`;
  if (workspace) {
    const p = workspace.properties ?? {};
    facts.push(
      typeof p.retentionInDays === 'number'
        ? known('workspace_retention_days', p.retentionInDays, `workspace ${workspaceResourceId} (${p.sku?.name ?? 'unknown sku'})`)
        : unknown('workspace_retention_days', `workspace ${workspaceResourceId} does not report retentionInDays`),
    );
    const cap = p.workspaceCapping?.dailyQuotaGb;
    facts.push(
      typeof cap === 'number' && cap >= 0
        ? known('workspace_daily_cap_gb', cap, `ingestion stops for the rest of the day after ${cap} GB: audit events past the cap are lost`)
        : known('workspace_daily_cap_gb', null, 'no daily cap'),
    );
  } else {
    facts.push(unknown('workspace_retention_days', noWorkspace), unknown('workspace_daily_cap_gb', noWorkspace));
  }

  const table = input.auditTable ?? expectedTable;
  const tableFacts = ['table_plan', 'table_retention_days', 'table_total_retention_days'];
  if (!table) {
    for (const f of tableFacts) facts.push(unknown(f, 'no table holds this cluster\'s audit events'));
  } else if (!workspaceResourceId) {
    for (const f of tableFacts) facts.push(unknown(f, noWorkspace));
  } else {
    const t = await arm.get<TableResource>(`${workspaceResourceId}/tables/${table}`, WORKSPACE_API, NEED_TABLE, input.signal);
    if (!t.ok) {
      for (const f of tableFacts) facts.push(unknown(f, `table ${table}: ${t.reason}`));
    } else {
      const p = t.body.properties ?? {};
      const where = `table ${table} of ${workspaceResourceId}`;
      facts.push(p.plan ? known('table_plan', p.plan, where) : unknown('table_plan', `${where} does not report its plan`));
      // -1 (or *AsDefault) is the workspace default, as the contract allows; the reason says so.
      const interactive = p.retentionInDaysAsDefault ? -1 : (p.retentionInDays ?? -1);
      const total = p.totalRetentionInDaysAsDefault ? -1 : (p.totalRetentionInDays ?? -1);
      facts.push(known('table_retention_days', interactive, `${where}${interactive < 0 ? ': the workspace default' : ''} (days the events can be queried)`));
      facts.push(known('table_total_retention_days', total, `${where}${total < 0 ? ': same as interactive' : ''} (days kept, long-term retention included)`));
    }
  }
  return { facts, expectedTable };
}

/** `kubernetes_version` ("1.30") from the managed cluster resource. */
export async function readKubernetesVersion(client: ContainerServiceClient, resourceId: string, signal?: AbortSignal): Promise<PostureFact> {
  // /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>
  const parts = resourceId.split('/');
  const rg = parts[4];
  const name = parts[8];
  try {
    const mc = await client.managedClusters.get(rg!, name!, { abortSignal: signal });
    const v = mc.currentKubernetesVersion ?? mc.kubernetesVersion;
    const m = v ? /^(\d+\.\d+)/.exec(v) : null;
    return m ? known('kubernetes_version', m[1], `${resourceId}: ${v}`) : unknown('kubernetes_version', `${resourceId} does not report its Kubernetes version`);
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 403) {
      return unknown('kubernetes_version', `permission denied (403): the identity needs Microsoft.ContainerService/managedClusters/read, granted by Reader or Monitoring Reader on the cluster`);
    }
    return unknown('kubernetes_version', `${resourceId}: ${describe(err)}`);
  }
}

async function readSettings(
  arm: ArmReader,
  input: PostureInput,
): Promise<{ ok: true; body: SettingSummary[]; note?: string } | { ok: false; reason: string }> {
  const path = `${input.resourceId}/providers/Microsoft.Insights/diagnosticSettings`;
  const res = await arm.get<{ value?: DiagnosticSettingResource[] }>(path, DIAG_API, NEED_CLUSTER_DIAGNOSTICS, input.signal);
  let raw: DiagnosticSettingResource[];
  let note: string | undefined;
  if (res.ok) raw = res.body?.value ?? [];
  else if (res.status === 400) {
    // A cloud without 2021-05-01-preview: the client's own version (no category groups).
    try {
      const old = await arm.client.diagnosticSettings.list(input.resourceId.replace(/^\//, ''), { abortSignal: input.signal });
      raw = (old.value ?? []).map((s) => ({
        name: s.name,
        properties: {
          workspaceId: s.workspaceId,
          storageAccountId: s.storageAccountId,
          eventHubAuthorizationRuleId: s.eventHubAuthorizationRuleId,
          logAnalyticsDestinationType: s.logAnalyticsDestinationType,
          logs: (s.logs ?? []).map((l) => ({ category: l.category, enabled: l.enabled })),
        },
      }));
      note = `read with api-version 2017-05-01-preview (${DIAG_API} refused: ${res.reason}); settings enabled through category groups are not visible`;
    } catch (err) {
      return { ok: false, reason: `diagnostic settings of ${input.resourceId}: ${res.reason}; 2017-05-01-preview also failed: ${(err as Error).message}` };
    }
  } else return { ok: false, reason: `diagnostic settings of ${input.resourceId}: ${res.reason}` };

  // Category groups are expanded with the service's own list of which category is in which group.
  const groups = new Map<string, string[]>();
  if (raw.some((s) => s.properties?.logs?.some((l) => l.enabled && l.categoryGroup))) {
    const cats = await arm.get<{ value?: CategoryResource[] }>(
      `${input.resourceId}/providers/Microsoft.Insights/diagnosticSettingsCategories`,
      DIAG_API,
      NEED_CLUSTER_DIAGNOSTICS,
      input.signal,
    );
    if (cats.ok) {
      for (const c of cats.body?.value ?? []) {
        if (c.properties?.categoryType && c.properties.categoryType !== 'Logs') continue;
        for (const g of c.properties?.categoryGroups ?? []) groups.set(g.toLowerCase(), [...(groups.get(g.toLowerCase()) ?? []), c.name ?? '']);
      }
    }
  }
  const expand = (g: string): string[] => groups.get(g.toLowerCase()) ?? GROUPS_FALLBACK[g.toLowerCase()] ?? [];

  const body = raw.map((s): SettingSummary => {
    const p = s.properties ?? {};
    const enabled = (p.logs ?? []).filter((l) => l.enabled);
    const categories = enabled.map((l) => l.category).filter((c): c is string => !!c);
    const categoryGroups = enabled.map((l) => l.categoryGroup).filter((c): c is string => !!c);
    return {
      name: s.name ?? '',
      workspace_resource_id: p.workspaceId ?? null,
      mode: p.workspaceId ? (p.logAnalyticsDestinationType?.toLowerCase() === 'dedicated' ? 'resource-specific' : 'azure-diagnostics') : null,
      categories,
      category_groups: categoryGroups,
      expanded_categories: [...new Set([...categories, ...categoryGroups.flatMap(expand)].map((c) => c.toLowerCase()))].sort(),
      storage_account: !!p.storageAccountId,
      event_hub: !!p.eventHubAuthorizationRuleId,
    };
  });
  return { ok: true, body, ...(note ? { note } : {}) };
}
