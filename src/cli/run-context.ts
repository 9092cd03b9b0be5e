/**
 * The frame around every command that changes the database: load the job, open the database, record a
 * `runs` row, show progress, and close everything whatever happens.
 */
import type { LoadedJob } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Database } from '../store/database.js';
import { emptyCounts, type LandCounts } from '../store/land.js';
import { finishRun, newRunId, startRun, type RunError } from '../pipeline/runs.js';
import type { Progress } from '../pipeline/progress.js';
import { logger, openDatabase, openJob } from './context.js';
import { createProgress } from './progress.js';
import type { ExitCode } from './exit-codes.js';

export interface RunContext {
  job: LoadedJob;
  db: Database;
  log: Logger;
  runId: string;
  now: Date;
  progress: Progress;
  signal: AbortSignal;
}

export interface RunOutcome {
  code: ExitCode;
  status: 'ok' | 'partial' | 'failed';
  totals?: LandCounts;
  errors?: RunError[];
  extra?: Record<string, unknown>;
}

export async function withRun(
  command: string,
  opts: { config?: string; logLevel?: string },
  body: (rc: RunContext) => Promise<RunOutcome>,
): Promise<ExitCode> {
  const job = openJob(opts.config);
  const log = logger(opts);
  const db = await openDatabase(job);
  const runId = newRunId();
  const abort = new AbortController();
  const onSignal = () => {
    log.warn('interrupted: finishing the batch in flight, then stopping (the next run resumes from there)');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = createProgress(log);
  try {
    await startRun(db, runId, command, job.path);
    let outcome: RunOutcome;
    try {
      outcome = await body({ job, db, log, runId, now: new Date(), progress, signal: abort.signal });
    } catch (err) {
      await finishRun(db, runId, 'failed', emptyCounts(), {}, [{ step: command, message: err instanceof Error ? err.message : String(err) }]).catch(() => undefined);
      throw err;
    }
    await finishRun(db, runId, outcome.status, outcome.totals ?? emptyCounts(), outcome.extra ?? {}, outcome.errors ?? []);
    await db.checkpoint();
    return outcome.code;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    db.close();
  }
}
