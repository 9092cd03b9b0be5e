/**
 * `kubetrail run`, the scheduled job: pull every cluster, then detect, check coverage and write the
 * reports. Later steps run even when some clusters failed (they work on what is landed), so a flaky
 * cloud API never hides the findings of the clusters that did land.
 */
import type { LoadedJob } from '../config/load.js';
import { describe } from '../errors.js';
import type { Logger } from '../log.js';
import type { Database } from '../store/database.js';
import { runDetections, type DetectSummary, type Severity } from '../detect/run.js';
import { runCoverage, type CoverageSummary } from '../coverage/run.js';
import { writeReports } from '../report/run.js';
import type { RunError } from './runs.js';
import { pullClusters, type PullSummary } from './pull.js';
import type { Progress } from './progress.js';

export interface RunAllOptions {
  runId: string;
  now: Date;
  log: Logger;
  failOn?: Severity;
  reports: boolean;
  progress?: Progress;
  signal?: AbortSignal;
}

export interface RunAllSummary {
  pull: PullSummary;
  detect?: DetectSummary;
  coverage?: CoverageSummary;
  reports: string[];
  errors: RunError[];
}

export async function runAll(db: Database, job: LoadedJob, opts: RunAllOptions): Promise<RunAllSummary> {
  const errors: RunError[] = [];
  const pull = await pullClusters(db, job, { runId: opts.runId, log: opts.log, progress: opts.progress, signal: opts.signal });
  opts.progress?.stop();
  for (const r of pull.results) if (r.status === 'failed') errors.push({ cluster: r.cluster, step: 'pull', message: r.error ?? 'failed' });

  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      const message = describe(err);
      errors.push({ step: name, message });
      opts.log.error({ step: name }, message);
      return undefined;
    }
  };
  const detect = await step('detect', () => runDetections(db, job, { runId: opts.runId, now: opts.now, log: opts.log, failOn: opts.failOn }));
  const coverage = await step('coverage', () => runCoverage(db, job, { runId: opts.runId, now: opts.now, log: opts.log }));
  let reports: string[] = [];
  if (opts.reports) {
    const cfg = job.job.reports ?? { out: 'out', formats: ['md', 'html', 'json'] as const };
    reports =
      (await step('report', () =>
        writeReports(db, job, {
          kinds: ['weekly', 'findings'],
          formats: [...cfg.formats],
          outDir: job.resolvePath(cfg.out),
          now: opts.now,
          log: opts.log,
          runId: opts.runId,
        }),
      )) ?? [];
  }
  return { pull, detect, coverage, reports, errors };
}
