/**
 * The AKS posture facts feed the coverage checks as the contract says (src/coverage/facts.ts): an
 * admin-only cluster pulled from the double comes out of `kubetrail coverage` with reads-collected in
 * alarm, audit logging on, and its retention judged from the audit table's facts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadJobFile } from '../../src/config/load.js';
import { runCoverage } from '../../src/coverage/run.js';
import { silentLogger } from '../../src/log.js';
import { syntheticEvents, tableRow } from '../fakes/aks-rows.js';
import { CA_FILE } from '../fakes/log-analytics.js';
import { clusterId, harness, WORKSPACE_ARM, WORKSPACE_ID, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('an admin-only AKS cluster: coverage says reads are invisible, and judges retention from the table', async () => {
  h = await harness();
  const RID = clusterId('prod');
  const now = new Date();
  const writes = syntheticEvents('cov', 300, (now.getTime() - 3 * 3600e3) * 1000, 2 * 3600e6).filter((e) => e.verb !== 'get' && e.verb !== 'list');
  h.fake.addWorkspace({ id: WORKSPACE_ID, armId: WORKSPACE_ARM, retentionInDays: 30, tables: { AKSAuditAdmin: { plan: 'Analytics', retentionInDays: -1, totalRetentionInDays: -1 } } });
  h.fake.addRows(WORKSPACE_ID, writes.map((e) => tableRow(e, 'AKSAuditAdmin', { resourceId: RID })));
  h.fake.setCluster(RID, '1.30.4');
  h.fake.setDiagnosticSettings(RID, [{ name: 'admin', workspaceArmId: WORKSPACE_ARM, destinationType: 'Dedicated', categories: ['kube-audit-admin'] }]);
  const cluster = { name: 'prod', provider: 'aks', workspaceId: WORKSPACE_ID, resourceId: RID, endpoint: h.fake.endpoint, armEndpoint: h.fake.armEndpoint, caFile: CA_FILE };
  const r = await h.pull(cluster, { now });
  expect(r.status).toBe('ok');
  expect(r.counts.landed).toBe(writes.length);

  const jobPath = join(h.dir, 'job.yaml');
  writeFileSync(jobPath, JSON.stringify({ database: join(h.dir, 'kubetrail.duckdb'), clusters: [cluster] }));
  await runCoverage(h.db, loadJobFile(jobPath, {}), { runId: 'cov-1', now, log: silentLogger() });
  const rows = await h.rows<{ check_id: string; status: string; reason: string }>(
    `SELECT check_id, status, reason FROM coverage WHERE cluster = 'prod' AND check_id IN ('audit-logging-enabled', 'reads-collected', 'retention-meets-target', 'posture-readable') ORDER BY check_id`,
  );
  const by = Object.fromEntries(rows.map((x) => [x.check_id, x]));
  expect(by['audit-logging-enabled']?.status).toBe('ok');
  expect(by['reads-collected']).toMatchObject({ status: 'alarm' });
  expect(by['reads-collected']?.reason).toContain('Only kube-audit-admin is collected (table AKSAuditAdmin)');
  expect(by['posture-readable']?.status).toBe('ok');
  // 30 days (the workspace default) is short of the default target: an alarm that names the table.
  expect(by['retention-meets-target']?.status).toBe('alarm');
  expect(by['retention-meets-target']?.reason).toContain('AKSAuditAdmin');
});
