/**
 * AKS posture facts from ARM (through the real ARM client's pipeline against the HTTPS double):
 * diagnostic settings by category and by category group, their mode and destination, the audit table's
 * plan and retention, the workspace's defaults; and permission errors as `unknown` facts that name the
 * role, never as a failed pull.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticEvents, tableRow } from '../fakes/aks-rows.js';
import { clusterId, fact, harness, SUB, WORKSPACE_ARM, WORKSPACE_ID, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const RID = clusterId('prod');
const T0 = Date.parse('2026-08-01T00:00:00Z');
const NOW = new Date(T0 + 2 * 3600e3);
const cluster = { name: 'prod', resourceId: RID };
const OTHER_WS = `/subscriptions/${SUB}/resourceGroups/other/providers/Microsoft.OperationalInsights/workspaces/elsewhere`;

function seed(h: Harness): void {
  h.fake.addRows(WORKSPACE_ID, syntheticEvents('posture', 20, T0 * 1000, 3600e6).map((e) => tableRow(e, 'AKSAudit', { resourceId: RID })));
}

describe('AKS posture facts', () => {
  it('audit enabled through the category group "audit" (invisible to api-version 2017-05-01-preview) is seen', async () => {
    h = await harness();
    seed(h);
    h.fake.setDiagnosticSettings(RID, [{ name: 'by-group', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categoryGroups: ['audit'] }]);
    const r = await h.pull(cluster, { now: NOW });
    expect(r.status).toBe('ok');
    expect(await fact(h, 'prod', 'audit_log_enabled')).toMatchObject({ status: 'known', value: true });
    expect(await fact(h, 'prod', 'audit_reads_logged')).toMatchObject({ status: 'known', value: true });
    const settings = await fact(h, 'prod', 'diagnostic_settings');
    expect(settings?.value).toEqual([
      {
        name: 'by-group',
        workspace_resource_id: WORKSPACE_ARM,
        mode: 'resource-specific',
        categories: [],
        category_groups: ['audit'],
        audit_categories: ['kube-audit', 'kube-audit-admin'],
        unresolved_groups: [],
        storage_account: false,
        event_hub: false,
      },
    ]);
    expect(await fact(h, 'prod', 'audit_destination')).toMatchObject({
      status: 'known',
      value: { setting: 'by-group', workspace_resource_id: WORKSPACE_ARM, workspace_id: WORKSPACE_ID, mode: 'resource-specific', table: 'AKSAudit' },
    });
    // Read with the version that knows category groups.
    const diag = h.fake.requests.filter((q) => q.kind === 'arm' && q.path.includes('/diagnosticSettings?'));
    expect(diag.map((q) => q.path.split('api-version=')[1])).toEqual(['2021-05-01-preview']);
  });

  it('kube-audit-admin only, in AzureDiagnostics mode: reads are not logged', async () => {
    h = await harness();
    seed(h);
    h.fake.setDiagnosticSettings(RID, [
      { name: 'admin-only', workspaceArmId: WORKSPACE_ARM, categories: ['kube-audit-admin', 'guard'] },
      { name: 'apiserver-to-storage', categories: ['kube-apiserver'] },
    ]);
    await h.pull(cluster, { now: NOW });
    expect(await fact(h, 'prod', 'audit_log_enabled')).toMatchObject({ status: 'known', value: true });
    const reads = await fact(h, 'prod', 'audit_reads_logged');
    expect(reads).toMatchObject({ status: 'known', value: false });
    expect(reads?.reason).toMatch(/only kube-audit-admin is enabled: get and list requests .* are not logged/);
    expect(await fact(h, 'prod', 'audit_destination')).toMatchObject({ value: { mode: 'azure-diagnostics', table: 'AzureDiagnostics' } });
  });

  it('no diagnostic setting: audit logging is off', async () => {
    h = await harness();
    await h.pull(cluster, { now: NOW });
    const enabled = await fact(h, 'prod', 'audit_log_enabled');
    expect(enabled).toMatchObject({ status: 'known', value: false });
    expect(enabled?.reason).toMatch(/not kept anywhere/);
    expect(await fact(h, 'prod', 'diagnostic_settings')).toMatchObject({ status: 'known', value: [] });
  });

  it('audit events sent to another workspace than the job reads are called out', async () => {
    h = await harness();
    h.fake.addWorkspace({ id: '0d0d0d0d-1111-4222-8333-444444444444', armId: OTHER_WS });
    h.fake.setDiagnosticSettings(RID, [{ name: 'elsewhere', workspaceArmId: OTHER_WS, destinationType: 'Dedicated', categories: ['kube-audit'] }]);
    await h.pull(cluster, { now: NOW });
    const dest = await fact(h, 'prod', 'audit_destination');
    expect(dest?.status).toBe('known');
    expect(dest?.value).toBeNull();
    expect(dest?.reason).toContain(`no diagnostic setting sends audit events to the job's workspace ${WORKSPACE_ID}; they go to ${OTHER_WS} (workspace ID 0d0d0d0d-1111-4222-8333-444444444444)`);
  });

  it('table plan and retention: Basic, 30 days interactive, a year in total; the workspace default and daily cap', async () => {
    h = await harness();
    seed(h);
    h.fake.addWorkspace({ id: WORKSPACE_ID, armId: WORKSPACE_ARM, retentionInDays: 90, dailyQuotaGb: 5, tables: { AKSAudit: { plan: 'Basic', retentionInDays: 30, totalRetentionInDays: 365 } } });
    h.fake.setDiagnosticSettings(RID, [{ name: 'full', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categories: ['kube-audit'] }]);
    await h.pull(cluster, { now: NOW });
    expect(await fact(h, 'prod', 'audit_table_plan')).toMatchObject({ status: 'known', value: 'Basic' });
    expect(await fact(h, 'prod', 'retention_days')).toMatchObject({ status: 'known', value: 30 });
    expect(await fact(h, 'prod', 'total_retention_days')).toMatchObject({ status: 'known', value: 365 });
    expect(await fact(h, 'prod', 'workspace_retention_days')).toMatchObject({ status: 'known', value: 90 });
    const cap = await fact(h, 'prod', 'workspace_daily_cap_gb');
    expect(cap).toMatchObject({ status: 'known', value: 5 });
    expect(cap?.reason).toMatch(/audit events past the cap are lost/);
  });

  it('a table on the workspace default (-1) reports the workspace retention', async () => {
    h = await harness();
    seed(h);
    h.fake.addWorkspace({ id: WORKSPACE_ID, armId: WORKSPACE_ARM, retentionInDays: 45, tables: { AKSAudit: { plan: 'Analytics', retentionInDays: -1, totalRetentionInDays: -1 } } });
    h.fake.setDiagnosticSettings(RID, [{ name: 'full', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categories: ['kube-audit'] }]);
    await h.pull(cluster, { now: NOW });
    const days = await fact(h, 'prod', 'retention_days');
    expect(days).toMatchObject({ status: 'known', value: 45 });
    expect(days?.reason).toContain('(workspace default)');
    expect(await fact(h, 'prod', 'total_retention_days')).toMatchObject({ status: 'known', value: 45 });
  });

  it('permission errors make facts unknown, naming the role; the pull itself succeeds', async () => {
    h = await harness();
    seed(h);
    h.fake.deny(/\/providers\/Microsoft\.Insights\/diagnosticSettings$/i);
    h.fake.deny(/\/workspaces\/audit-ws/i);
    const r = await h.pull({ ...cluster, workspaceResourceId: WORKSPACE_ARM }, { now: NOW });
    expect(r.status).toBe('ok');
    expect(r.counts.landed).toBe(20);
    const settings = await fact(h, 'prod', 'diagnostic_settings');
    expect(settings?.status).toBe('unknown');
    expect(settings?.reason).toContain('permission denied (403 AuthorizationFailed');
    expect(settings?.reason).toContain('Monitoring Reader or Reader on the cluster');
    expect((await fact(h, 'prod', 'audit_log_enabled'))?.status).toBe('unknown');
    const ret = await fact(h, 'prod', 'workspace_retention_days');
    expect(ret?.status).toBe('unknown');
    expect(ret?.reason).toContain('Log Analytics Reader or Reader on the workspace');
    const plan = await fact(h, 'prod', 'audit_table_plan');
    expect(plan?.status).toBe('unknown');
    expect(plan?.reason).toContain('Microsoft.OperationalInsights/workspaces/tables/read');
    // What the data says is still known.
    expect(await fact(h, 'prod', 'audit_table')).toMatchObject({ status: 'known', value: { table: 'AKSAudit', reads_collected: true } });
  });
});
