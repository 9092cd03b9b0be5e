import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { parseTime } from '../../config/duration.js';
import { pullClusters, selectClusters } from '../../pipeline/pull.js';
import type { PullWindow } from '../../sources/types.js';
import { handle } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withPreparedRun } from '../run-context.js';
import { formatPullSummary } from '../summary.js';
import { pullOutcome } from './run.js';

const collect = (v: string, prev: string[]) => [...prev, v];

export function parseWindow(since: string | undefined, until: string | undefined, now: Date): PullWindow {
  const w: PullWindow = {};
  if (since) {
    w.since = parseTime(since, now);
    if (!w.since) throw new ConfigError(`--since "${since}": give a duration (e.g. 6h, 7d) or a time (e.g. 2026-11-01T00:00:00Z)`);
  }
  if (until) {
    w.until = parseTime(until, now);
    if (!w.until) throw new ConfigError(`--until "${until}": give a time (e.g. 2026-11-02T00:00:00Z) or a duration ago`);
  }
  if (w.since && w.until && w.since >= w.until) throw new ConfigError(`--since must be before --until`);
  if (w.until && !w.since) throw new ConfigError(`--until needs --since (a backfill window has both ends)`);
  return w;
}

export function registerPull(program: Command, set: SetExit): void {
  program
    .command('pull')
    .description('fetch what is new from each cluster (or a backfill window) and land it')
    .requiredOption('--config <file>', 'job file')
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--since <dur|time>', 'backfill from this time (e.g. 6h, 7d, 2026-11-01T00:00:00Z); the watermark is not moved back')
    .option('--until <time>', 'backfill up to this time')
    .action(async (opts: { config: string; cluster: string[]; since?: string; until?: string }) => {
      set(
        await handle(() =>
          withPreparedRun(
            'pull',
            { ...program.opts(), ...opts },
            (job, now) => {
              selectClusters(job, opts.cluster); // an unknown --cluster is a usage error before anything is opened
              return parseWindow(opts.since, opts.until, now);
            },
            async (rc, window) => {
              const summary = await pullClusters(rc.db, rc.job, { runId: rc.runId, log: rc.log, only: opts.cluster, window, progress: rc.progress, signal: rc.signal });
              rc.progress.stop();
              process.stdout.write(formatPullSummary(rc.runId, summary.results, summary.totals, rc.job.path));
              const { failed, allFailed, code } = pullOutcome(summary.results);
              return {
                code,
                status: allFailed ? 'failed' : failed.length ? 'partial' : 'ok',
                totals: summary.totals,
                errors: failed.map((r) => ({ cluster: r.cluster, step: 'pull', message: r.error ?? 'failed' })),
                extra: { clusters: summary.results.length },
              };
            },
          ),
        ),
      );
    });
}
