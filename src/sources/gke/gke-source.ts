/**
 * GKE clusters: Kubernetes audit entries from Cloud Logging (both audit logs, one project limiter,
 * queries shared by the clusters of a project), decoded to the JSON gcloud prints and handed to the
 * sink for the `gke-logentry` normaliser; posture from the project's IAM policy and Log Router.
 */
import type { z } from 'zod';
import type { gkeCluster } from '../../config/providers/gke.js';
import { describe, SourceError } from '../../errors.js';
import type { Quota } from '../quota.js';
import type { SharedResources } from '../registry.js';
import type { Source, SourceContext } from '../types.js';
import { DEFAULT_RETRY, type RetryOptions } from './call-with-retry.js';
import { plan, readCursor } from './cursor.js';
import { feedFor, ProjectFeed } from './project-feed.js';
import { postureFacts, readProjectPosture, type ProjectPosture } from './posture.js';

export type GkeClusterConfig = z.output<typeof gkeCluster>;

/** Knobs for tests and benchmarks; the job file does not set these. */
export interface GkeSourceOptions {
  retry?: Partial<RetryOptions>;
  /** Deadline of one entries.list call. */
  callTimeoutMs?: number;
  pageSize?: number;
  /** How long the first cluster of a project waits for the others to join its query. */
  gatherMs?: number;
  /** How far behind now a run reads (entries just received may not be searchable yet). */
  settleMs?: number;
  /** How much consecutive receive windows overlap. */
  overlapMs?: number;
}

/** Default lateness: entries whose timestamp is up to this much older than their arrival are caught. */
export const DEFAULT_LATENESS_MS = 3600e3;

export function gkeSource(cluster: GkeClusterConfig, shared: SharedResources, options: GkeSourceOptions = {}): Source {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const quota = shared.quotas.get(`logging:${cluster.project}`, { limit: cluster.requestsPerMinute, intervalMs: 60_000, concurrency: 1 });
  const adminQuota = shared.quotas.get(`logging-admin:${cluster.project}`, { limit: 60, intervalMs: 60_000, concurrency: 2 });
  const endpoints = { endpoint: cluster.endpoint, resourceManagerEndpoint: cluster.resourceManagerEndpoint, insecure: cluster.insecure };
  const feed = feedFor(
    shared.quotas,
    JSON.stringify([cluster.project, endpoints]),
    () =>
      new ProjectFeed({
        project: cluster.project,
        endpoints,
        quota,
        requestsPerMinute: cluster.requestsPerMinute,
        retry,
        pageSize: options.pageSize ?? 1000,
        callTimeoutMs,
        gatherMs: options.gatherMs ?? 3000,
      }),
  );
  feed.register();
  let projectPosture: Promise<ProjectPosture> | undefined;
  const stream = `cloudlogging:${cluster.project}/${cluster.location}/${cluster.cluster}`;

  return {
    provider: 'gke',
    async pull(ctx: SourceContext, sink, checkpoint) {
      let cursor;
      try {
        cursor = readCursor(ctx.state.get(stream));
      } catch (err) {
        feed.withdraw();
        throw new SourceError(cluster.name, 'gke', describe(err));
      }
      return feed.pull({
        name: cluster.name,
        location: cluster.location,
        cluster: cluster.cluster,
        stream,
        ctx,
        sink,
        checkpoint,
        planFor: (now) =>
          plan(cursor, {
            now,
            lookbackMs: cluster.lookback,
            latenessMs: cluster.lateness ?? DEFAULT_LATENESS_MS,
            settleMs: options.settleMs ?? 30_000,
            overlapMs: options.overlapMs ?? 120_000,
            since: ctx.window.since,
            until: ctx.window.until,
          }),
      });
    },
    async posture() {
      projectPosture ??= postureOf(feed, adminQuota, retry, callTimeoutMs);
      return postureFacts(await projectPosture, cluster.cluster);
    },
  };
}

// One set of project reads per run, shared by the project's clusters.
const projectReads = new WeakMap<ProjectFeed, Promise<ProjectPosture>>();
function postureOf(feed: ProjectFeed, quota: Quota, retry: RetryOptions, timeoutMs: number): Promise<ProjectPosture> {
  let p = projectReads.get(feed);
  if (!p) {
    p = feed.clients().then((clients) => readProjectPosture(feed.settings.project, { clients, quota, retry, timeoutMs }));
    projectReads.set(feed, p);
  }
  return p;
}
