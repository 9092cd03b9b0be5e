import type { Command } from 'commander';
import { ConfigError, InputError } from '../../errors.js';
import { discover } from '../../sources/files/discover.js';
import { prepareStagingDir } from '../../pipeline/lander.js';
import { pullCluster } from '../../pipeline/pull-cluster.js';
import { filesSource } from '../../sources/files/files-source.js';
import { handle } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { withPreparedRun } from '../run-context.js';
import { formatPullSummary } from '../summary.js';

export function registerImport(program: Command, set: SetExit): void {
  program
    .command('import')
    .description('land audit log files (any supported envelope, .gz, globs, directories) for one cluster')
    .requiredOption('--config <file>', 'job file')
    .requiredOption('--cluster <name>', 'the cluster these files belong to (a name from the job file, or a new one with --provider)')
    .option('--provider <provider>', 'for a cluster that is not in the job file: eks, gke, aks or files')
    .option('--reread', 'read files again from the start even if they were landed before (nothing is landed twice)')
    .argument('<paths...>', 'files, directories or globs')
    .action(async (paths: string[], opts: { config: string; cluster: string; provider?: string; reread?: boolean }) => {
      set(
        await handle(() =>
          withPreparedRun('import', { ...program.opts(), ...opts }, async (job) => {
            // Usage errors, found before the database is opened: no runs row, and not hidden behind a lock.
            const known = job.job.clusters.find((c) => c.name === opts.cluster);
            if (!known && !opts.provider) {
              throw new ConfigError(
                `cluster "${opts.cluster}" is not in ${job.path} (clusters: ${job.job.clusters.map((c) => c.name).join(', ')}); add it, or say --provider eks|gke|aks|files`,
              );
            }
            if (opts.provider && !['eks', 'gke', 'aks', 'files'].includes(opts.provider)) {
              throw new ConfigError(`--provider "${opts.provider}": use eks, gke, aks or files`);
            }
            const found = await discover(paths);
            if (found.files.length === 0) {
              throw new InputError(paths.join(' '), `nothing to import: ${found.problems.map((p) => `${p.path} ${p.message}`).join('; ') || 'no audit log files there'}`);
            }
            const provider = known?.provider === 'files' && known.origin ? known.origin : (known?.provider ?? opts.provider!);
            return { name: opts.cluster, provider };
          }, async (rc, cluster) => {
            const stagingDir = prepareStagingDir(rc.db.path, rc.job.job.staging && rc.job.resolvePath(rc.job.job.staging));
            rc.progress.start(cluster.name);
            const result = await pullCluster(rc.db, cluster, filesSource({ paths, mode: 'import', reread: opts.reread }), {
              runId: rc.runId,
              log: rc.log,
              stagingDir,
              checkpointBytes: rc.job.job.batchSize,
              step: 'import',
              signal: rc.signal,
              onProgress: (c) => rc.progress.update(cluster.name, c),
            });
            rc.progress.finish(cluster.name, result);
            rc.progress.stop();
            process.stdout.write(formatPullSummary(rc.runId, [result], result.counts, rc.job.path));
            const fileProblems = Number(result.stats.files_failed ?? 0);
            const status = result.status === 'failed' ? 'failed' : fileProblems ? 'partial' : 'ok';
            return {
              code: result.status === 'failed' ? EXIT.fatal : fileProblems ? EXIT.partial : EXIT.ok,
              status,
              totals: result.counts,
              errors: result.error ? [{ cluster: cluster.name, step: 'import', message: result.error }] : typeof result.stats.problems === 'string' ? result.stats.problems.split('\n').map((m) => ({ cluster: cluster.name, step: 'import', message: m })) : [],
              extra: { stats: result.stats },
            };
          }),
        ),
      );
    });
}
