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

export function withRun(command: string, opts: { config?: string; logLevel?: string }, body: (rc: RunContext) => Promise<RunOutcome>): Promise<ExitCode> {
  return withPreparedRun(command, opts, () => undefined, (rc) => body(rc));
}

/**
 * `prepare` checks the command line against the job file before anything is opened: a usage error exits 2
 * without a `runs` row, and is not hidden behind "the database is in use" when another run holds the lock.
 * What it returns is handed to `body`.
 */
export async function withPreparedRun<P>(
  command: string,
  opts: { config?: string; logLevel?: string },
  prepare: (job: LoadedJob, now: Date) => P | Promise<P>,
  body: (rc: RunContext, prepared: P) => Promise<RunOutcome>,
): Promise<ExitCode> {
  const job = openJob(opts.config);
  const log = logger(opts);
  const now = new Date();
  const prepared = await prepare(job, now);
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
      outcome = await body({ job, db, log, runId, now, progress, signal: abort.signal }, prepared);
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
