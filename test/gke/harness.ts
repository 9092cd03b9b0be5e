/** Shared set-up for the GKE end-to-end tests: a DuckDB file in a temp dir, the double, the real pullCluster. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gkeCluster } from '../../src/config/providers/gke.js';
import { silentLogger } from '../../src/log.js';
import { prepareStagingDir } from '../../src/pipeline/lander.js';
import { pullCluster, type ClusterResult } from '../../src/pipeline/pull-cluster.js';
import { gkeSource, type GkeClusterConfig, type GkeSourceOptions } from '../../src/sources/gke/gke-source.js';
import { QuotaRegistry } from '../../src/sources/quota.js';
import type { PullWindow, Source } from '../../src/sources/types.js';
import { Database } from '../../src/store/database.js';
import { CloudLoggingFake, type FakeOptions } from '../fakes/cloud-logging.js';

/** Fast retries and no gathering delay beyond what a test needs. */
export const FAST: GkeSourceOptions = { retry: { baseDelayMs: 5, maxDelayMs: 20, attempts: 6 }, gatherMs: 5000, callTimeoutMs: 5000 };

export class Harness {
  dir = mkdtempSync(join(tmpdir(), 'kt-gke-'));
  dbPath = join(this.dir, 'kt.duckdb');
  db!: Database;
  staging!: string;
  fake!: CloudLoggingFake;
  private run = 0;

  async start(fakeOptions: FakeOptions = {}): Promise<this> {
    this.db = await Database.open(this.dbPath);
    this.staging = prepareStagingDir(this.dbPath);
    this.fake = await new CloudLoggingFake(fakeOptions).start();
    return this;
  }

  async stop(): Promise<void> {
    await this.fake?.stop();
    this.db?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  cluster(fields: Partial<Record<string, unknown>> & { name: string; cluster: string; location?: string; project?: string }): GkeClusterConfig {
    return gkeCluster.parse({ provider: 'gke', project: 'acme-prod', location: 'europe-west1', endpoint: this.fake.endpoint, insecure: true, ...fields });
  }

  /** Pull these clusters as one run (one quota registry, concurrently, like the pipeline). */
  async pull(
    clusters: GkeClusterConfig[],
    opts: {
      now: Date;
      window?: PullWindow;
      source?: GkeSourceOptions;
      checkpointBytes?: number;
      /**
       * The project limiter on a shorter clock (tests cannot wait minutes). Give it some slack over
       * the double's window: the double counts arrivals, and on a busy test machine a call can leave
       * on time and arrive hundreds of milliseconds late, bunching up with the next window's calls.
       */
      quota?: { limit: number; intervalMs: number };
      shared?: { quotas: QuotaRegistry };
    },
  ): Promise<ClusterResult[]> {
    const shared = opts.shared ?? { quotas: new QuotaRegistry() };
    if (opts.quota) for (const c of clusters) shared.quotas.get(`logging:${c.project}`, { ...opts.quota, concurrency: 1 });
    const runId = `run-${++this.run}`;
    const sources: Source[] = clusters.map((c) => gkeSource(c, shared, { ...FAST, ...opts.source }));
    return Promise.all(
      clusters.map((c, i) =>
        pullCluster(this.db, c, sources[i]!, { runId, now: opts.now, window: opts.window, log: silentLogger(), stagingDir: this.staging, checkpointBytes: opts.checkpointBytes }),
      ),
    );
  }

  async query(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    const conn = await this.db.connect();
    try {
      const r = await conn.runAndReadAll(sql, params as never);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      conn.closeSync();
    }
  }
}
