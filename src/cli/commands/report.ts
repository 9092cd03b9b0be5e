import { Option, type Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { parseDuration } from '../../config/duration.js';
import { writeReports, type ReportFormat, type ReportKind } from '../../report/run.js';
import { handle } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withPreparedRun } from '../run-context.js';

export function registerReport(program: Command, set: SetExit): void {
  program
    .command('report')
    .description('write the weekly coverage report or the findings report')
    .requiredOption('--config <file>', 'job file')
    .addOption(new Option('--kind <kind>', 'which report').choices(['weekly', 'findings']).makeOptionMandatory())
    .option('--format <formats>', 'comma-separated: md, html, json', 'md,html,json')
    .requiredOption('--out <dir>', 'directory to write into')
    .option('--since <dur>', 'period covered, e.g. 7d (default 7d)')
    .action(async (opts: { config: string; kind: ReportKind; format: string; out: string; since?: string }) => {
      set(await handle(() => withPreparedRun('report', { ...program.opts(), ...opts }, () => {
        const formats = opts.format.split(',').map((f) => f.trim()).filter(Boolean);
        const bad = formats.filter((f) => !['md', 'html', 'json'].includes(f));
        if (bad.length || !formats.length) throw new ConfigError(`--format "${opts.format}": use a comma-separated list of md, html, json`);
        const sinceMs = opts.since === undefined ? undefined : parseDuration(opts.since);
        if (opts.since !== undefined && sinceMs === undefined) throw new ConfigError(`--since "${opts.since}": give a duration such as 7d or 24h`);
        return { formats, sinceMs };
      }, async (rc, { formats, sinceMs }) => {
        const paths = await writeReports(rc.db, rc.job, { kinds: [opts.kind], formats: formats as ReportFormat[], outDir: opts.out, sinceMs, now: rc.now, log: rc.log, runId: rc.runId });
        process.stdout.write(paths.map((p) => `report: ${p}\n`).join(''));
        return { code: EXIT.ok, status: 'ok', extra: { reports: paths } };
      })));
    });
}
