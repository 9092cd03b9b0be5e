import { Option, type Command } from 'commander';
import { SEVERITIES, type Severity } from '../../detect/run.js';
import { runAll } from '../../pipeline/run-all.js';
import { handle } from '../context.js';
import { EXIT, worst, type ExitCode } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withRun } from '../run-context.js';
import { formatPullSummary } from '../summary.js';

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
        const out: string[] = [formatPullSummary(rc.runId, s.pull.results, s.pull.totals, rc.job.path)];
        if (s.detect) {
          const sev = Object.entries(s.detect.bySeverity).map(([k, v]) => `${v} ${k}`).join(', ');
          out.push(`detect: ${s.detect.detections} detections, ${s.detect.newFindings} new finding(s)${sev ? ` (${sev})` : ''}, ${s.detect.updatedFindings} updated`);
        }
        if (s.coverage) {
          out.push(`coverage: ${s.coverage.checks} checks, ${s.coverage.alarms} alarm(s), ${s.coverage.unknown} unknown`);
          for (const [c, ids] of Object.entries(s.coverage.alarmsByCluster)) if (ids.length) out.push(`  ${c}: ${ids.join(', ')}`);
        }
        for (const p of s.reports) out.push(`report: ${p}`);
        for (const e of s.errors.filter((e) => e.step !== 'pull')) out.push(`FAILED: ${e.step}: ${e.message}`);
        process.stdout.write(out.join('\n') + '\n');
        const failedClusters = s.pull.results.filter((r) => r.status === 'failed').length;
        const codes: ExitCode[] = [];
        if (failedClusters || s.errors.some((e) => e.step !== 'pull')) codes.push(EXIT.partial);
        if (s.detect && s.detect.failing > 0) codes.push(EXIT.findings);
        const allFailed = failedClusters > 0 && failedClusters === s.pull.results.length;
        return {
          code: worst(...codes),
          status: allFailed ? 'failed' : codes.length && (failedClusters || s.errors.length) ? 'partial' : 'ok',
          totals: s.pull.totals,
          errors: s.errors,
          extra: { detect: s.detect ?? null, coverage: s.coverage ?? null, reports: s.reports },
        };
      })));
    });
}
