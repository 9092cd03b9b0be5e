/**
 * AKS posture facts from ARM (the real ARM clients against the HTTPS double), as the coverage checks
 * read them (src/coverage/facts.ts): diagnostic categories with category groups expanded, the audit
 * table, its plan and retention, the workspace's retention, the Kubernetes version; and permission
 * errors as `unknown` facts that name the role, never as a failed pull.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REQUIRED_FACTS } from '../../src/coverage/facts.js';
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

function seed(h: Harness, table: 'AKSAudit' | 'AKSAuditAdmin' = 'AKSAudit'): void {
  h.fake.addRows(WORKSPACE_ID, syntheticEvents('posture', 20, T0 * 1000, 3600e6).map((e) => tableRow(e, table, { resourceId: RID })));
}

describe('AKS posture facts', () => {
  it('every fact coverage requires of an AKS cluster is written, known', async () => {
    h = await harness();
    seed(h);
    h.fake.setCluster(RID, '1.30.4');
    h.fake.setDiagnosticSettings(RID, [{ name: 'full', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categories: ['kube-audit'] }]);
    const r = await h.pull(cluster, { now: NOW });
    expect(r.status).toBe('ok');
    for (const req of REQUIRED_FACTS.filter((f) => f.provider === 'aks')) {
      expect((await fact(h, 'prod', req.fact))?.status, req.fact).toBe('known');
    }
    expect(await fact(h, 'prod', 'kubernetes_version')).toMatchObject({ status: 'known', value: '1.30' });
    expect(await fact(h, 'prod', 'workspace_resource_id')).toMatchObject({ status: 'known', value: WORKSPACE_ARM });
    expect(await fact(h, 'prod', 'audit_table')).toMatchObject({ status: 'known', value: 'AKSAudit' });
  });

  it('audit enabled through the category group "audit" (invisible to api-version 2017-05-01-preview) is expanded', async () => {
    h = await harness();
    seed(h);
    h.fake.setDiagnosticSettings(RID, [
      { name: 'by-group', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categoryGroups: ['audit'] },
      { name: 'to-storage', categories: ['kube-apiserver'] }, // no workspace: not a Log Analytics category
    ]);
    await h.pull(cluster, { now: NOW });
    // The double's category list puts kube-audit, kube-audit-admin and guard in the audit group.
    expect(await fact(h, 'prod', 'diagnostic_categories')).toMatchObject({ status: 'known', value: ['guard', 'kube-audit', 'kube-audit-admin'] });
    const settings = await fact(h, 'prod', 'diagnostic_settings');
    expect(settings?.value).toEqual([
      {
        name: 'by-group',
        workspace_resource_id: WORKSPACE_ARM,
        mode: 'resource-specific',
        categories: [],
        category_groups: ['audit'],
        expanded_categories: ['guard', 'kube-audit', 'kube-audit-admin'],
        storage_account: false,
        event_hub: false,
      },
      {
        name: 'to-storage',
        workspace_resource_id: null,
        mode: null,
        categories: ['kube-apiserver'],
        category_groups: [],
        expanded_categories: ['kube-apiserver'],
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

  it('kube-audit-admin only: the categories and the data both say reads are invisible', async () => {
    h = await harness();
    seed(h, 'AKSAuditAdmin');
    h.fake.setDiagnosticSettings(RID, [{ name: 'admin-only', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categories: ['kube-audit-admin', 'guard'] }]);
    await h.pull(cluster, { now: NOW });
    expect(await fact(h, 'prod', 'diagnostic_categories')).toMatchObject({ value: ['guard', 'kube-audit-admin'] });
    const table = await fact(h, 'prod', 'audit_table');
    expect(table).toMatchObject({ status: 'known', value: 'AKSAuditAdmin' });
    expect(table?.reason).toMatch(/admin-only .* reads are invisible/);
    expect(await fact(h, 'prod', 'audit_destination')).toMatchObject({ value: { mode: 'resource-specific', table: 'AKSAuditAdmin' } });
  });

  it('no rows in the window: audit_table comes from the diagnostic settings (AzureDiagnostics mode)', async () => {
    h = await harness();
    h.fake.setDiagnosticSettings(RID, [{ name: 'legacy', workspaceArmId: WORKSPACE_ARM, categories: ['kube-audit'] }]);
    await h.pull(cluster, { now: NOW });
    const table = await fact(h, 'prod', 'audit_table');
    expect(table).toMatchObject({ status: 'known', value: 'AzureDiagnostics' });
    expect(table?.reason).toContain('from the diagnostic settings');
  });

  it('no diagnostic setting: no categories, and no audit table to report', async () => {
    h = await harness();
    await h.pull(cluster, { now: NOW });
    expect(await fact(h, 'prod', 'diagnostic_categories')).toMatchObject({ status: 'known', value: [] });
    expect(await fact(h, 'prod', 'diagnostic_settings')).toMatchObject({ status: 'known', value: [] });
    expect(await fact(h, 'prod', 'audit_table')).toBeUndefined();
    expect(await fact(h, 'prod', 'audit_rows_by_table')).toMatchObject({ status: 'known', value: { reads_collected: null } });
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
    expect((await fact(h, 'prod', 'workspace_retention_days'))?.reason).toContain('set workspaceResourceId in the job file');
  });

  it('table plan and retention: Basic, 30 days interactive, a year in total; the workspace default and daily cap', async () => {
    h = await harness();
    seed(h);
    h.fake.addWorkspace({ id: WORKSPACE_ID, armId: WORKSPACE_ARM, retentionInDays: 90, dailyQuotaGb: 5, tables: { AKSAudit: { plan: 'Basic', retentionInDays: 30, totalRetentionInDays: 365 } } });
    h.fake.setDiagnosticSettings(RID, [{ name: 'full', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categories: ['kube-audit'] }]);
    await h.pull(cluster, { now: NOW });
    expect(await fact(h, 'prod', 'table_plan')).toMatchObject({ status: 'known', value: 'Basic' });
    expect(await fact(h, 'prod', 'table_retention_days')).toMatchObject({ status: 'known', value: 30 });
    expect(await fact(h, 'prod', 'table_total_retention_days')).toMatchObject({ status: 'known', value: 365 });
    expect(await fact(h, 'prod', 'workspace_retention_days')).toMatchObject({ status: 'known', value: 90 });
    const cap = await fact(h, 'prod', 'workspace_daily_cap_gb');
    expect(cap).toMatchObject({ status: 'known', value: 5 });
    expect(cap?.reason).toMatch(/audit events past the cap are lost/);
  });

  it('a table on the workspace default says -1, as the contract reads it', async () => {
    h = await harness();
    seed(h);
    h.fake.addWorkspace({ id: WORKSPACE_ID, armId: WORKSPACE_ARM, retentionInDays: 45, tables: { AKSAudit: { plan: 'Analytics', retentionInDays: -1, totalRetentionInDays: -1 } } });
    h.fake.setDiagnosticSettings(RID, [{ name: 'full', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categories: ['kube-audit'] }]);
    await h.pull(cluster, { now: NOW });
    const days = await fact(h, 'prod', 'table_retention_days');
    expect(days).toMatchObject({ status: 'known', value: -1 });
    expect(days?.reason).toContain('the workspace default');
    expect(await fact(h, 'prod', 'table_total_retention_days')).toMatchObject({ status: 'known', value: -1 });
    expect(await fact(h, 'prod', 'workspace_retention_days')).toMatchObject({ status: 'known', value: 45 });
  });

  it('permission errors make facts unknown, naming the role; the pull itself succeeds', async () => {
    h = await harness();
    seed(h);
    h.fake.setCluster(RID, '1.29.2');
    h.fake.deny(/\/providers\/Microsoft\.Insights\/diagnosticSettings$/i);
    h.fake.deny(/\/workspaces\/audit-ws/i);
    h.fake.deny(/\/managedClusters\/prod$/i);
    const r = await h.pull({ ...cluster, workspaceResourceId: WORKSPACE_ARM }, { now: NOW });
    expect(r.status).toBe('ok');
    expect(r.counts.landed).toBe(20);
    for (const f of ['diagnostic_categories', 'diagnostic_settings']) {
      const x = await fact(h, 'prod', f);
      expect(x?.status, f).toBe('unknown');
      expect(x?.reason).toContain('permission denied (403 AuthorizationFailed');
      expect(x?.reason).toContain('Monitoring Reader or Reader on the cluster');
    }
    const ret = await fact(h, 'prod', 'workspace_retention_days');
    expect(ret?.status).toBe('unknown');
    expect(ret?.reason).toContain('Log Analytics Reader or Reader on the workspace');
    const plan = await fact(h, 'prod', 'table_plan');
    expect(plan?.status).toBe('unknown');
    expect(plan?.reason).toContain('Microsoft.OperationalInsights/workspaces/tables/read');
    const version = await fact(h, 'prod', 'kubernetes_version');
    expect(version?.status).toBe('unknown');
    expect(version?.reason).toContain('Microsoft.ContainerService/managedClusters/read');
    // What the data says is still known.
    expect(await fact(h, 'prod', 'audit_table')).toMatchObject({ status: 'known', value: 'AKSAudit' });
    expect(await fact(h, 'prod', 'workspace_resource_id')).toMatchObject({ status: 'known', value: WORKSPACE_ARM });
  });
});
