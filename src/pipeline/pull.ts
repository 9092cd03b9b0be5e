/**
 * Pull every (selected, enabled) cluster of a job: one source per cluster, quotas shared between clusters
 * that draw on the same provider quota, a few clusters at a time. A cluster that fails does not stop the
 * others; the summary says which failed and why.
 */
import pLimit from 'p-limit';
import type { LoadedJob } from '../config/load.js';
import type { ClusterConfig } from '../config/job-file.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Database } from '../store/database.js';
import { addCounts, emptyCounts, type LandCounts } from '../store/land.js';
import { QuotaRegistry } from '../sources/quota.js';
import { createSource } from '../sources/registry.js';
import type { PullWindow } from '../sources/types.js';
import { prepareStagingDir } from './lander.js';
import { pullCluster, type ClusterResult } from './pull-cluster.js';
import type { Progress } from './progress.js';

export interface PullOptions {
  runId: string;
  log: Logger;
  /** Only these clusters (names); all enabled clusters when empty. */
  only?: readonly string[];
  window?: PullWindow;
  progress?: Progress;
  signal?: AbortSignal;
}

export interface PullSummary {
  results: ClusterResult[];
  totals: LandCounts;
}

export function selectClusters(job: LoadedJob, only: readonly string[] = []): ClusterConfig[] {
  const clusters = job.job.clusters;
  if (!only.length) return clusters.filter((c) => c.enabled);
  const unknown = only.filter((n) => !clusters.some((c) => c.name === n));
  if (unknown.length) {
    throw new ConfigError(`${job.path}: no cluster named ${unknown.map((n) => `"${n}"`).join(', ')} (clusters: ${clusters.map((c) => c.name).join(', ')})`);
  }
  return clusters.filter((c) => only.includes(c.name));
}

export async function pullClusters(db: Database, job: LoadedJob, opts: PullOptions): Promise<PullSummary> {
  const clusters = selectClusters(job, opts.only);
  const stagingDir = prepareStagingDir(db.path, job.job.staging && job.resolvePath(job.job.staging));
  const shared = { quotas: new QuotaRegistry() };
  const limit = pLimit(job.job.concurrency);
  const pullOne = async (cluster: ClusterConfig): Promise<ClusterResult> => {
    opts.progress?.start(cluster.name);
    let result: ClusterResult;
    try {
      const source = await createSource(resolveClusterPaths(cluster, job), shared);
      // exports of a managed cluster read from files are recorded as that provider's
      const recordedAs = cluster.provider === 'files' && cluster.origin ? { ...cluster, provider: cluster.origin } : cluster;
      result = await pullCluster(db, recordedAs, source, {
        runId: opts.runId,
        window: opts.window,
        log: opts.log,
        signal: opts.signal,
        stagingDir,
        checkpointBytes: job.job.batchSize,
        onProgress: (c) => opts.progress?.update(cluster.name, c),
      });
    } catch (err) {
      result = failed(cluster, err);
    }
    opts.progress?.finish(cluster.name, result);
    return result;
  };
  // Clusters that read through one shared query (GKE clusters of a project) take one concurrency slot
  // together: started apart, a late one would miss the others' query and pay for its own.
  const groups = new Map<string, ClusterConfig[]>();
  for (const c of clusters) {
    const key = c.provider === 'gke' ? `gke:${c.project}` : `cluster:${c.name}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const byName = new Map<string, ClusterResult>();
  await Promise.all(
    [...groups.values()].map((group) =>
      limit(async () => {
        for (const r of await Promise.all(group.map(pullOne))) byName.set(r.cluster, r);
      }),
    ),
  );
  const results = clusters.map((c) => byName.get(c.name)!);
  const totals = results.reduce((t, r) => addCounts(t, r.counts), emptyCounts());
  return { results, totals };
}

/** File paths in a job file are relative to the job file. */
function resolveClusterPaths(cluster: ClusterConfig, job: LoadedJob): ClusterConfig {
  if (cluster.provider === 'files') return { ...cluster, paths: cluster.paths.map((p) => job.resolvePath(p)) };
  if (cluster.provider === 'aks' && cluster.caFile) return { ...cluster, caFile: job.resolvePath(cluster.caFile) };
  return cluster;
}

function failed(cluster: ClusterConfig, err: unknown): ClusterResult {
  return {
    cluster: cluster.name,
    provider: cluster.provider,
    status: 'failed',
    counts: emptyCounts(),
    stats: {},
    posture: [],
    error: err instanceof Error ? err.message : String(err),
    seconds: 0,
  };
}
