import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobFileSchema } from '../config/job-file.js';
import type { LoadedJob } from '../config/load.js';
import { Database } from '../store/database.js';
import { coverageClusters, fillTemplate } from './clusters.js';

describe('coverageClusters', () => {
  it('takes the enabled job clusters and clusters landed recently that the file does not name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-cl-'));
    const db = await Database.open(join(dir, 'k.duckdb'));
    try {
      const conn = await db.connect();
      const now = new Date('2026-11-26T12:00:00Z');
      for (const [cluster, provider, daysAgo] of [['imported', 'aks', 1], ['removed', 'eks', 10], ['prod', 'eks', 1]] as const) {
        const at = new Date(now.getTime() - daysAgo * 86400e3).toISOString();
        await conn.run(`INSERT INTO run_clusters (run_id, cluster, provider, step, status, started_at, finished_at) VALUES ($1, $2, $3, 'import', 'ok', $4, $4)`, [`r-${cluster}`, cluster, provider, at]);
      }
      const job: LoadedJob = {
        path: '/etc/kubetrail/job.yaml',
        job: jobFileSchema.parse({
          database: 'k.duckdb',
          clusters: [
            { name: 'prod', provider: 'eks', region: 'eu-west-1', cluster: 'prod-1', labels: { team: 'shop' } },
            { name: 'paused', provider: 'files', paths: ['/x'], enabled: false },
          ],
        }),
        resolvePath: (p) => p,
      };
      const clusters = await coverageClusters(conn, job, now);
      conn.closeSync();
      expect(clusters.map((c) => [c.cluster, c.provider, c.inJob])).toEqual([['prod', 'eks', true], ['imported', 'aks', false]]);
      const prod = clusters[0]!;
      expect(prod.labels).toEqual({ team: 'shop' });
      expect(fillTemplate('aws logs put-retention-policy --region {{region}} --log-group-name {{logGroup}} --retention-in-days {{retentionCloudWatch}} ({{nope}})', prod.vars)).toBe(
        'aws logs put-retention-policy --region eu-west-1 --log-group-name /aws/eks/prod-1/cluster --retention-in-days 90 ({{nope}})',
      );
      expect(fillTemplate('--resource {{resourceId}}', clusters[1]!.vars)).toBe('--resource <aks-resource-id>');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
