/**
 * Pulling one cluster: read its cursors, let its source fetch into a Lander (which lands batch by batch
 * with the cursors), then record its posture facts and a run_clusters row. A failure ends this cluster
 * only; what was checkpointed before it stays landed and the next run resumes from there.
 */
import type { Database } from '../store/database.js';
import { describe } from '../errors.js';
import type { Logger } from '../log.js';
import { emptyCounts, type LandCounts } from '../store/land.js';
import type { PostureFact, PullWindow, Source, SourceStats } from '../sources/types.js';
import { Lander } from './lander.js';

export interface PullClusterOptions {
  runId: string;
  window?: PullWindow;
  now?: Date;
  log: Logger;
  signal?: AbortSignal;
  stagingDir: string;
  /** Bytes staged that make a full batch (default DEFAULT_BATCH_BYTES; see Lander.due). */
  checkpointBytes?: number;
  /** import: files named on the command line (no posture). */
  step?: 'pull' | 'import';
  /** Called after each landed batch with the running totals. */
  onProgress?: (counts: LandCounts) => void;
}

export interface ClusterResult {
  cluster: string;
  provider: string;
  status: 'ok' | 'failed';
  counts: LandCounts;
  stats: SourceStats;
  posture: PostureFact[];
  error?: string;
  seconds: number;
}

export async function pullCluster(
  db: Database,
  cluster: { name: string; provider: string } & Record<string, unknown>,
  source: Source,
  opts: PullClusterOptions,
): Promise<ClusterResult> {
  const started = new Date();
  const t0 = performance.now();
  const step = opts.step ?? 'pull';
  const log = opts.log.child({ cluster: cluster.name });
  const conn = await db.connect();
  const result: ClusterResult = {
    cluster: cluster.name,
    provider: cluster.provider,
    status: 'ok',
    counts: emptyCounts(),
    stats: {},
    posture: [],
    seconds: 0,
  };
  const lander = new Lander(conn, { cluster: cluster.name, provider: cluster.provider, runId: opts.runId }, opts.stagingDir, opts.onProgress, opts.checkpointBytes);
  try {
    const rows = await conn.runAndReadAll(`SELECT stream, CAST(state AS VARCHAR) FROM pull_state WHERE cluster = $1`, [cluster.name]);
    const state = new Map(rows.getRows().map(([k, v]) => [String(k), JSON.parse(String(v)) as unknown]));
    const ctx = {
      cluster,
      runId: opts.runId,
      state,
      window: opts.window ?? {},
      now: opts.now ?? new Date(),
      log,
      signal: opts.signal ?? new AbortController().signal,
    };
    if (step === 'pull' && source.posture) {
      result.posture = await source.posture(ctx).catch((err: unknown) => [
        { fact: 'posture', status: 'unknown' as const, reason: `could not read posture: ${describe(err)}` },
      ]);
      await recordPosture(db, opts.runId, cluster, result.posture);
    }
    try {
      result.stats = await source.pull(ctx, lander, lander.checkpoint);
      result.counts = await lander.finish();
    } catch (err) {
      await lander.abandon();
      result.counts = lander.totals;
      throw err;
    }
  } catch (err) {
    result.status = 'failed';
    result.error = describe(err);
    log.error(result.error);
  } finally {
    result.seconds = (performance.now() - t0) / 1000;
    await conn
      .run(
        `INSERT OR REPLACE INTO run_clusters (run_id, cluster, provider, step, status, fetched, landed, duplicates, quarantined, counts, error, started_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())`,
        [
          opts.runId,
          cluster.name,
          cluster.provider,
          step,
          result.status,
          result.counts.records,
          result.counts.landed,
          result.counts.duplicates,
          result.counts.quarantined,
          JSON.stringify({ ...result.counts, stats: result.stats }),
          result.error ?? null,
          started.toISOString(),
        ],
      )
      .catch((err: unknown) => log.error(`could not record the run of this cluster: ${describe(err)}`));
    conn.closeSync();
  }
  return result;
}

async function recordPosture(db: Database, runId: string, cluster: { name: string; provider: string }, facts: PostureFact[]): Promise<void> {
  if (!facts.length) return;
  const conn = await db.connect();
  try {
    for (const f of facts) {
      await conn.run(
        `INSERT OR REPLACE INTO posture_facts (run_id, cluster, provider, fact, status, value, reason, observed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
        [runId, cluster.name, cluster.provider, f.fact, f.status, f.value === undefined ? null : JSON.stringify(f.value), f.reason ?? null],
      );
    }
  } finally {
    conn.closeSync();
  }
}
