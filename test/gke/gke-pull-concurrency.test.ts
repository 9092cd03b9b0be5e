// Through the pipeline's pullClusters, as `kubetrail pull` runs it: GKE clusters of one project share one
// entries.list query even when the job pulls one cluster at a time (concurrency: 1).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { jobFileSchema } from '../../src/config/job-file.js';
import type { LoadedJob } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { pullClusters } from '../../src/pipeline/pull.js';
import { traffic } from '../fakes/gke-entries.js';
import { Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

describe('GKE clusters of one project in a job with concurrency 1', () => {
  it('are pulled together through one query, and each lands its own entries', async () => {
    const clusters = [
      { location: 'europe-west1', cluster: 'prod' },
      { location: 'us-central1', cluster: 'batch' },
      { location: 'asia-east1', cluster: 'edge' },
    ];
    // an entry every 10 s from 2 h ago, round-robin over the three clusters: all received long before the settle horizon
    h.fake.addEntries(traffic({ project: 'acme-prod', clusters, count: 300, startMs: Math.floor((Date.now() - 2 * 3600e3) / 1000) * 1000, spacingMs: 10_000 }));
    const job: LoadedJob = {
      path: join(h.dir, 'job.yaml'),
      job: jobFileSchema.parse({
        database: h.dbPath,
        concurrency: 1,
        clusters: clusters.map((c) => ({ name: `${c.cluster}-gke`, provider: 'gke', project: 'acme-prod', location: c.location, cluster: c.cluster, lookback: '6h', endpoint: h.fake.endpoint, insecure: true })),
      }),
      resolvePath: (p) => p,
    };
    const { results } = await pullClusters(h.db, job, { runId: 'run-1', log: silentLogger() });
    expect(results.map((r) => [r.cluster, r.status, r.error])).toEqual(clusters.map((c) => [`${c.cluster}-gke`, 'ok', undefined]));
    expect(results.map((r) => r.stats.shared_with)).toEqual([3, 3, 3]);
    expect(h.fake.listCalls('acme-prod').length).toBe(1); // 300 entries fit one page of 1000
    const landed = await h.query(`SELECT cluster, count(*)::INTEGER AS n FROM audit_events GROUP BY cluster ORDER BY cluster`);
    expect(landed).toEqual([
      { cluster: 'batch-gke', n: 100 },
      { cluster: 'edge-gke', n: 100 },
      { cluster: 'prod-gke', n: 100 },
    ]);
  });
});
