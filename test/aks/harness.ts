/**
 * Shared set-up for the AKS tests: the HTTPS double, a workspace, a real DuckDB file in a temp dir, and
 * pulls through the real pullCluster with the real Azure clients (token from KUBETRAIL_AZURE_TOKEN).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aksCluster } from '../../src/config/providers/aks.js';
import { silentLogger } from '../../src/log.js';
import { pullCluster, type ClusterResult } from '../../src/pipeline/pull-cluster.js';
import { aksSource, type AksSourceOptions } from '../../src/sources/aks/aks-source.js';
import { QuotaRegistry } from '../../src/sources/quota.js';
import type { PullWindow } from '../../src/sources/types.js';
import { Database } from '../../src/store/database.js';
import { CA_FILE, FakeLogAnalytics, type Limits } from '../fakes/log-analytics.js';

export const SUB = '6f1c2a3b-0000-4000-8000-00000000beef';
export const WORKSPACE_ID = '5a7e1d2c-9b8a-4c6d-8e0f-1a2b3c4d5e6f';
export const WORKSPACE_ARM = `/subscriptions/${SUB}/resourceGroups/monitoring/providers/Microsoft.OperationalInsights/workspaces/audit-ws`;
export const clusterId = (name: string): string => `/subscriptions/${SUB}/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/${name}`;
export const TOKEN = 'test-token-for-the-double';

export interface Harness {
  fake: FakeLogAnalytics;
  db: Database;
  dir: string;
  quotas: QuotaRegistry;
  pull(cluster: Record<string, unknown>, opts?: { now: Date; window?: PullWindow; runId?: string; source?: AksSourceOptions; checkpointBytes?: number }): Promise<ClusterResult>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let runs = 0;

export async function harness(limits: Partial<Limits> = {}): Promise<Harness> {
  const fake = await FakeLogAnalytics.start(limits);
  fake.addWorkspace({ id: WORKSPACE_ID, armId: WORKSPACE_ARM });
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-aks-'));
  const db = await Database.open(join(dir, 'kubetrail.duckdb'));
  const quotas = new QuotaRegistry();
  return {
    fake,
    db,
    dir,
    quotas,
    async pull(cluster, opts = { now: new Date() }) {
      const c = aksCluster.parse({
        provider: 'aks',
        workspaceId: WORKSPACE_ID,
        endpoint: fake.endpoint,
        armEndpoint: fake.armEndpoint,
        caFile: CA_FILE,
        ...cluster,
      });
      const source = aksSource(c, { quotas }, { env: { KUBETRAIL_AZURE_TOKEN: TOKEN }, ...opts.source });
      return pullCluster(db, c, source, {
        runId: opts.runId ?? `run-${++runs}`,
        now: opts.now,
        window: opts.window,
        log: silentLogger(),
        stagingDir: dir,
        checkpointBytes: opts.checkpointBytes,
      });
    },
    async rows<T>(sql: string, params: unknown[] = []) {
      const conn = await db.connect();
      try {
        const r = await conn.runAndReadAll(sql, params as never);
        return r.getRowObjectsJson() as T[];
      } finally {
        conn.closeSync();
      }
    },
    async close() {
      // Whatever a test is about, no query may have come without a timespan or broken the limits.
      const violations = fake.violations();
      await fake.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
      if (violations.length) throw new Error(`the Log Analytics double saw: ${JSON.stringify(violations, null, 1)}`);
    },
  };
}

/** The stored value of a posture fact of the last run of a cluster. */
export async function fact(h: Harness, cluster: string, name: string): Promise<{ status: string; value: unknown; reason: string | null } | undefined> {
  const r = await h.rows<{ status: string; value: string | null; reason: string | null }>(
    `SELECT status, CAST(value AS VARCHAR) AS value, reason FROM posture_facts WHERE cluster = $1 AND fact = $2 ORDER BY observed_at DESC LIMIT 1`,
    [cluster, name],
  );
  const f = r[0];
  return f && { status: f.status, value: f.value === null ? null : JSON.parse(f.value), reason: f.reason };
}
