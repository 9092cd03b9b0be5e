import { Option, type Command } from 'commander';
import { runDetections, SEVERITIES, type DetectSummary, type Severity } from '../../detect/run.js';
import { handle } from '../context.js';
import { EXIT, worst, type ExitCode } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withRun } from '../run-context.js';
import { terminalSafe } from '../safe-text.js';

/** New findings listed one per line; the rest are counted, with the query that shows them. */
const LISTED = 20;

export function registerDetect(program: Command, set: SetExit): void {
  program
    .command('detect')
    .description('run the detections over the events landed since the last detect')
    .requiredOption('--config <file>', 'job file')
    .addOption(new Option('--fail-on <severity>', 'exit 4 when a new finding at or above this severity appears').choices(SEVERITIES))
    .action(async (opts: { config: string; failOn?: Severity }) => {
      set(await handle(() => withRun('detect', { ...program.opts(), ...opts }, async (rc) => {
        const s = await runDetections(rc.db, rc.job, { runId: rc.runId, now: rc.now, log: rc.log, failOn: opts.failOn });
        process.stdout.write(formatDetectSummary(s, rc.runId, rc.job.path));
        const codes: ExitCode[] = [];
        if (s.errors.length) codes.push(EXIT.partial);
        if (s.failing > 0) codes.push(EXIT.findings);
        return { code: worst(...codes), status: s.errors.length ? 'partial' : 'ok', extra: { detect: s }, errors: s.errors.map((e) => ({ step: 'detect', message: e.message })) };
      })));
    });
}

export function formatDetectSummary(s: DetectSummary, runId: string, configPath: string): string {
  const out: string[] = [];
  const sev = SEVERITIES.filter((k) => s.bySeverity[k]).reverse().map((k) => `${s.bySeverity[k]} ${k}`).join(', ');
  const suppressed = Object.values(s.suppressed).reduce((a, b) => a + b, 0);
  out.push(
    `detect: ${s.detections} detections over ${s.newEvents} new event(s): ${s.newFindings} new finding(s)${sev ? ` (${sev})` : ''}` +
      `${s.reopenedFindings ? `, ${s.reopenedFindings} of them reopened` : ''}, ${s.updatedFindings} updated, ${suppressed} event(s) suppressed, ${s.seconds.toFixed(1)}s`,
  );
  for (const f of s.findings.slice(0, LISTED)) {
    out.push(`  ${f.severity.padEnd(8)} ${f.detectionId.padEnd(36)} ${terminalSafe(f.cluster, 40)}: ${terminalSafe(f.summary)}${f.eventCount > 1 ? ` (${f.eventCount} events)` : ''}${f.reopened ? ' [reopened]' : ''}`);
  }
  if (s.newFindings > LISTED) {
    out.push(`  ... and ${s.newFindings - LISTED} more: kubetrail sql --config ${configPath} "SELECT severity, detection_id, cluster, summary FROM findings WHERE new_in_run = '${runId}' OR reopened_in_run = '${runId}'"`);
  }
  for (const [id, n] of Object.entries(s.suppressed)) out.push(`suppressed: ${n} event(s) of ${id}`);
  for (const line of s.expiredSuppressions) out.push(`warning: ${line}`);
  for (const e of s.errors) out.push(`FAILED: ${e.detection}: ${e.message}`);
  return out.join('\n') + '\n';
}
