import type { Command } from 'commander';
import { runCoverage } from '../../coverage/run.js';
import { handle } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withRun } from '../run-context.js';

export function registerCoverage(program: Command, set: SetExit): void {
  program
    .command('coverage')
    .description('check what the audit trail of each cluster can and cannot show')
    .requiredOption('--config <file>', 'job file')
    .action(async (opts: { config: string }) => {
      set(await handle(() => withRun('coverage', { ...program.opts(), ...opts }, async (rc) => {
        const s = await runCoverage(rc.db, rc.job, { runId: rc.runId, now: rc.now, log: rc.log });
        const lines = [`coverage: ${s.checks} checks, ${s.alarms} alarm(s), ${s.unknown} unknown`];
        for (const [c, ids] of Object.entries(s.alarmsByCluster)) if (ids.length) lines.push(`  ${c}: ${ids.join(', ')}`);
        process.stdout.write(lines.join('\n') + '\n');
        return { code: EXIT.ok, status: 'ok', extra: { coverage: s } };
      })));
    });
}
