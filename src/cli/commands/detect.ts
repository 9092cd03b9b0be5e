import { Option, type Command } from 'commander';
import { runDetections, SEVERITIES, type Severity } from '../../detect/run.js';
import { handle } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withRun } from '../run-context.js';

export function registerDetect(program: Command, set: SetExit): void {
  program
    .command('detect')
    .description('run the detections over the events landed since the last detect')
    .requiredOption('--config <file>', 'job file')
    .addOption(new Option('--fail-on <severity>', 'exit 4 when a new finding at or above this severity appears').choices(SEVERITIES))
    .action(async (opts: { config: string; failOn?: Severity }) => {
      set(await handle(() => withRun('detect', { ...program.opts(), ...opts }, async (rc) => {
        const s = await runDetections(rc.db, rc.job, { runId: rc.runId, now: rc.now, log: rc.log, failOn: opts.failOn });
        const sev = Object.entries(s.bySeverity).map(([k, v]) => `${v} ${k}`).join(', ');
        process.stdout.write(`detect: ${s.detections} detections, ${s.newFindings} new finding(s)${sev ? ` (${sev})` : ''}, ${s.updatedFindings} updated, ${s.seconds.toFixed(1)}s\n`);
        return { code: s.failing > 0 ? EXIT.findings : EXIT.ok, status: 'ok', extra: { detect: s } };
      })));
    });
}
