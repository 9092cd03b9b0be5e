/**
 * `kubetrail demo` (what `npm start` runs): generate the offline data set — a week of four clusters in
 * EKS, GKE, AKS and self-hosted envelopes, ending now, with an attack story and coverage gaps (see
 * src/demo/STORY.md) — record the managed clusters' posture (src/demo/posture.ts: what their providers'
 * APIs would say, which files cannot carry), then run jobs/demo.yaml on it and say where the results are. Each demo starts
 * from scratch: its data and database are replaced, so the week always ends now.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { generateDemo } from '../../demo/demo.js';
import { recordDemoPosture } from '../../demo/posture.js';
import { runAll } from '../../pipeline/run-all.js';
import { handle, openJob } from '../context.js';
import type { SetExit } from '../main.js';
import { withRun } from '../run-context.js';
import { formatRunSummary } from '../summary.js';
import { runOutcome } from './run.js';

/** jobs/demo.yaml of the checkout or the installed package (src/cli/commands or dist/src/cli/commands below it). */
export const DEMO_JOB = ((): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', '..', '..'), resolve(here, '..', '..', '..', '..')].map((r) => join(r, 'jobs', 'demo.yaml'));
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
})();

export function registerDemo(program: Command, set: SetExit): void {
  program
    .command('demo')
    .description('generate the offline demo data set and run the demo job on it (no cloud account needed)')
    .option('--config <file>', 'the demo job file', DEMO_JOB)
    .action(async (opts: { config: string }) => {
      set(
        await handle(async () => {
          const job = openJob(opts.config);
          const db = job.resolvePath(job.job.database);
          const first = job.job.clusters[0];
          if (first?.provider !== 'files' || !first.paths[0]) {
            throw new ConfigError(`${job.path}: not a demo job file (its first cluster must be a files cluster whose path is a demo input directory); run \`kubetrail demo\` without --config`);
          }
          const input = dirname(job.resolvePath(first.paths[0]));
          // Everything below is deleted and written again: only ever a demo's own data.
          const demoMade = existsSync(join(input, 'manifest.json'));
          if (resolve(job.path) !== resolve(DEMO_JOB) && !demoMade && (existsSync(input) || existsSync(db))) {
            throw new ConfigError(
              `${job.path}: ${existsSync(input) ? input : db} exists and was not written by kubetrail demo (no ${join(input, 'manifest.json')}): the demo deletes and regenerates its input directory and database, so it refuses to touch them. Point the job at new or demo paths.`,
            );
          }
          for (const p of [db, `${db}.wal`, `${db}.staging`, input]) rmSync(p, { recursive: true, force: true });
          const t0 = performance.now();
          const demo = generateDemo({ out: input, end: new Date() });
          process.stdout.write(
            `demo data: a week of ${demo.clusters.map((c) => `${c.name} (${c.events} records)`).join(', ')} in ${relative(process.cwd(), input) || '.'} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
          );
          return withRun('run', { ...program.opts(), config: opts.config }, async (rc) => {
            // the files carry no posture: record what the providers' APIs would say, as this run's reading
            await recordDemoPosture(rc.db, rc.runId, demo.posture);
            const s = await runAll(rc.db, rc.job, { runId: rc.runId, now: rc.now, log: rc.log, reports: true, progress: rc.progress, signal: rc.signal });
            process.stdout.write(formatRunSummary(rc.runId, s, rc.job.path));
            const rel = (p: string) => relative(process.cwd(), p) || p;
            process.stdout.write(
              [
                '',
                `database: ${rel(db)}`,
                ...s.reports.filter((p) => p.endsWith('.html')).map((p) => `open ${rel(p)} in a browser`),
                `the story: src/demo/STORY.md; try:`,
                `  node bin/kubetrail.js sql --config ${rel(opts.config)} "FROM exec_sessions"`,
                `  node bin/kubetrail.js sql --config ${rel(opts.config)} "SELECT severity, detection_id, cluster, summary FROM findings ORDER BY first_seen"`,
                `  node bin/kubetrail.js sql --config ${rel(opts.config)} "SELECT cluster, check_id, reason FROM coverage_latest WHERE status = 'alarm'"`,
                '',
              ].join('\n'),
            );
            return runOutcome(s);
          });
        }),
      );
    });
}
