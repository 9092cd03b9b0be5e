/**
 * An AKS cluster's audit posture, read from ARM: where its diagnostic settings send the audit
 * categories (kube-audit has reads, kube-audit-admin has no get/list), in which mode (resource-specific
 * tables or AzureDiagnostics), the audit table's plan and retention, and the workspace's defaults.
 * Every fact that cannot be read is `unknown` with the reason, naming the role the identity lacks.
 * The facts and their values are documented in docs/providers/aks.md.
 */
import type { PostureFact } from '../types.js';
import { ArmReader, NEED_CLUSTER_DIAGNOSTICS, NEED_TABLE, NEED_WORKSPACE } from './arm.js';
import { AUDIT_CATEGORIES, type AuditTable } from './kql.js';

const DIAG_API = '2021-05-01-preview';
const WORKSPACE_API = '2025-02-01';

interface DiagnosticSettingResource {
  name?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    marketplacePartnerId?: string | null;
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
  /** kube-audit / kube-audit-admin enabled, directly or through a group. */
  audit_categories: string[];
  /** Groups whose members could not be resolved. */
  unresolved_groups: string[];
  storage_account: boolean;
  event_hub: boolean;
}

export interface PostureInput {
  resourceId: string;
  workspaceId: string;
  workspaceResourceId?: string;
  /** The table the pull reads (or would read), for its plan and retention. */
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
    for (const f of ['diagnostic_settings', 'audit_log_enabled', 'audit_reads_logged', 'audit_destination']) facts.push(unknown(f, settings.reason));
  } else {
    const list = settings.body;
    const auditing = list.filter((s) => s.audit_categories.length > 0);
    const unresolved = auditing.length === 0 && list.some((s) => s.unresolved_groups.length > 0);
    facts.push(known('diagnostic_settings', list, settings.note));
    if (unresolved) {
      const why = `category groups ${[...new Set(list.flatMap((s) => s.unresolved_groups))].join(', ')} are enabled but their categories could not be listed`;
      facts.push(unknown('audit_log_enabled', why), unknown('audit_reads_logged', why));
    } else {
      facts.push(
        known('audit_log_enabled', auditing.length > 0, auditing.length ? `kube-audit categories enabled by ${auditing.map((s) => s.name).join(', ')}` : 'no diagnostic setting enables kube-audit or kube-audit-admin: the cluster\'s audit events are not kept anywhere'),
      );
      const reads = auditing.filter((s) => s.audit_categories.includes('kube-audit'));
      facts.push(
        known(
          'audit_reads_logged',
          reads.length > 0,
          reads.length ? `kube-audit enabled by ${reads.map((s) => s.name).join(', ')}` : auditing.length ? 'only kube-audit-admin is enabled: get and list requests (secret reads, enumeration) are not logged' : 'audit logging is off',
        ),
      );
    }

    // Which enabled setting sends audit events to the job's workspace (matched by its customer ID).
    const toWorkspaces = [...new Set(auditing.map((s) => s.workspace_resource_id).filter((w): w is string => !!w))];
    let matched: SettingSummary | undefined;
    const seen: string[] = [];
    for (const wid of toWorkspaces) {
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
        matched.mode === 'azure-diagnostics' ? 'AzureDiagnostics' : matched.audit_categories.includes('kube-audit') ? 'AKSAudit' : 'AKSAuditAdmin';
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
            ? 'no diagnostic setting sends kube-audit or kube-audit-admin anywhere'
            : `no diagnostic setting sends audit events to the job's workspace ${input.workspaceId}; they go to ${seen.join(', ') || toWorkspaces.join(', ') || 'storage or Event Hub only'}`,
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
  const noWorkspace =
    workspaceProblem ??
    'the workspace\'s resource ID is unknown: no readable diagnostic setting sends audit events to it; set workspaceResourceId in the job file';
  if (workspace) {
    const p = workspace.properties ?? {};
    facts.push(
      typeof p.retentionInDays === 'number'
        ? known('workspace_retention_days', p.retentionInDays, `workspace ${workspaceResourceId} (${p.sku?.name ?? 'unknown sku'})`)
        : unknown('workspace_retention_days', `workspace ${workspaceResourceId} does not report retentionInDays`),
    );
    const cap = p.workspaceCapping?.dailyQuotaGb;
    facts.push(
      typeof cap === 'number'
        ? known('workspace_daily_cap_gb', cap < 0 ? null : cap, cap < 0 ? 'no daily cap' : `ingestion stops for the rest of the day after ${cap} GB: audit events past the cap are lost`)
        : known('workspace_daily_cap_gb', null, 'no daily cap'),
    );
  } else {
    facts.push(unknown('workspace_retention_days', noWorkspace), unknown('workspace_daily_cap_gb', noWorkspace));
  }

  const table = input.auditTable ?? expectedTable;
  const tableFacts = ['audit_table_plan', 'retention_days', 'total_retention_days'];
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
      const wsDays = workspace?.properties?.retentionInDays;
      const where = `table ${table} of ${workspaceResourceId}`;
      facts.push(p.plan ? known('audit_table_plan', p.plan, where) : unknown('audit_table_plan', `${where} does not report its plan`));
      const interactive = effective(p.retentionInDays, p.retentionInDaysAsDefault, wsDays);
      facts.push(
        interactive === undefined
          ? unknown('retention_days', `${where} uses the workspace default, which could not be read`)
          : known('retention_days', interactive, `${where}${interactive === wsDays && (p.retentionInDaysAsDefault || p.retentionInDays === -1) ? ' (workspace default)' : ''}: days the events can be queried`),
      );
      const total = effective(p.totalRetentionInDays, p.totalRetentionInDaysAsDefault, interactive);
      facts.push(
        total === undefined
          ? unknown('total_retention_days', `${where} uses the default, which could not be read`)
          : known('total_retention_days', total, `${where}: days the events are kept, long-term retention included`),
      );
    }
  }
  return { facts, expectedTable };
}

/** Table retention: -1 (or *AsDefault) means the default it inherits. */
function effective(days: number | undefined, asDefault: boolean | undefined, inherited: number | undefined): number | undefined {
  if (typeof days !== 'number' || days < 0) return inherited;
  return asDefault && inherited !== undefined ? inherited : days;
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

  // Category groups are resolved with the service's own list of which category is in which group.
  let groups: Map<string, string[]> | undefined;
  if (raw.some((s) => s.properties?.logs?.some((l) => l.enabled && l.categoryGroup))) {
    const cats = await arm.get<{ value?: CategoryResource[] }>(
      `${input.resourceId}/providers/Microsoft.Insights/diagnosticSettingsCategories`,
      DIAG_API,
      NEED_CLUSTER_DIAGNOSTICS,
      input.signal,
    );
    if (cats.ok) {
      groups = new Map();
      for (const c of cats.body?.value ?? []) {
        for (const g of c.properties?.categoryGroups ?? []) groups.set(g.toLowerCase(), [...(groups.get(g.toLowerCase()) ?? []), c.name ?? '']);
      }
    }
  }

  const body = raw.map((s): SettingSummary => {
    const p = s.properties ?? {};
    const enabled = (p.logs ?? []).filter((l) => l.enabled);
    const categories = enabled.map((l) => l.category).filter((c): c is string => !!c);
    const categoryGroups = enabled.map((l) => l.categoryGroup).filter((c): c is string => !!c);
    const viaGroups = categoryGroups.flatMap((g) => groups?.get(g.toLowerCase()) ?? []);
    const unresolved = categoryGroups.filter((g) => !groups?.has(g.toLowerCase()) && g.toLowerCase() !== 'alllogs');
    // allLogs is every category by definition, also when the category list cannot be read.
    const all = categoryGroups.some((g) => g.toLowerCase() === 'alllogs') ? [...AUDIT_CATEGORIES] : [];
    const audit = AUDIT_CATEGORIES.filter((c) => [...categories, ...viaGroups, ...all].some((x) => x.toLowerCase() === c));
    return {
      name: s.name ?? '',
      workspace_resource_id: p.workspaceId ?? null,
      mode: p.workspaceId ? (p.logAnalyticsDestinationType?.toLowerCase() === 'dedicated' ? 'resource-specific' : 'azure-diagnostics') : null,
      categories,
      category_groups: categoryGroups,
      audit_categories: audit,
      unresolved_groups: unresolved,
      storage_account: !!p.storageAccountId,
      event_hub: !!p.eventHubAuthorizationRuleId,
    };
  });
  return { ok: true, body, ...(note ? { note } : {}) };
}
