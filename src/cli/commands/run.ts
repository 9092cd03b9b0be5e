import { Option, type Command } from 'commander';
import { SEVERITIES, type Severity } from '../../detect/run.js';
import type { ClusterResult } from '../../pipeline/pull-cluster.js';
import { runAll, type RunAllSummary } from '../../pipeline/run-all.js';
import { handle } from '../context.js';
import { EXIT, worst, type ExitCode } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withRun, type RunOutcome } from '../run-context.js';
import { formatRunSummary } from '../summary.js';

export function registerRun(program: Command, set: SetExit): void {
  program
    .command('run')
    .description('the scheduled job: pull every cluster, detect, check coverage, write reports')
    .requiredOption('--config <file>', 'job file')
    .addOption(new Option('--fail-on <severity>', 'exit 4 when a new finding at or above this severity appears').choices(SEVERITIES))
    .option('--no-reports', 'skip writing reports')
    .action(async (opts: { config: string; failOn?: Severity; reports: boolean }) => {
      set(await handle(() => withRun('run', { ...program.opts(), ...opts }, async (rc) => {
        const s = await runAll(rc.db, rc.job, { runId: rc.runId, now: rc.now, log: rc.log, failOn: opts.failOn, reports: opts.reports, progress: rc.progress, signal: rc.signal });
        process.stdout.write(formatRunSummary(rc.runId, s, rc.job.path));
        return runOutcome(s);
      })));
    });
}

/**
 * How the pull went: partial (3) when some clusters failed; fatal (1) when every one did, since there is no
 * "rest" that landed. Shared by `pull` and `run`.
 */
export function pullOutcome(results: readonly ClusterResult[]): { failed: ClusterResult[]; allFailed: boolean; code: ExitCode } {
  const failed = results.filter((r) => r.status === 'failed');
  const allFailed = failed.length > 0 && failed.length === results.length;
  return { failed, allFailed, code: allFailed ? EXIT.fatal : failed.length ? EXIT.partial : EXIT.ok };
}

/** Exit code and run status of `kubetrail run` (see exit-codes.ts for the precedence). */
export function runOutcome(s: RunAllSummary): RunOutcome {
  const pull = pullOutcome(s.pull.results);
  const codes: ExitCode[] = [pull.code];
  if (s.errors.some((e) => e.step !== 'pull')) codes.push(EXIT.partial);
  if (s.detect && s.detect.failing > 0) codes.push(EXIT.findings);
  return {
    code: worst(...codes),
    status: pull.allFailed ? 'failed' : pull.failed.length || s.errors.length ? 'partial' : 'ok',
    totals: s.pull.totals,
    errors: s.errors,
    extra: { detect: s.detect ?? null, coverage: s.coverage ?? null, reports: s.reports },
  };
}
