import type { Command } from 'commander';
import { handle, openJob } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';

export function registerValidate(program: Command, set: SetExit): void {
  program
    .command('validate')
    .description('check a job file without touching any cloud or the database')
    .requiredOption('--config <file>', 'job file')
    .action(async (opts: { config: string }) => {
      set(await handle(async () => {
        const job = openJob(opts.config);
        const byProvider = job.job.clusters.reduce<Record<string, number>>((m, c) => ((m[c.provider] = (m[c.provider] ?? 0) + 1), m), {});
        process.stdout.write(`${job.path}: ok — ${job.job.clusters.length} cluster(s) (${Object.entries(byProvider).map(([p, n]) => `${n} ${p}`).join(', ')}), database ${job.resolvePath(job.job.database)}\n`);
        return EXIT.ok;
      }));
    });
}
