/**
 * What every command needs: the job file, the database, a logger, and the mapping from failures to
 * exit codes (`handle`). Commands return an exit code; nothing here calls process.exit.
 */
import { ConfigError, InputError, SourceError, StoreError, describe } from '../errors.js';
import { loadJobFile, type LoadedJob } from '../config/load.js';
import { Database } from '../store/database.js';
import { createLogger, type Logger } from '../log.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface GlobalOptions {
  config?: string;
  logLevel?: string;
}

export function openJob(path: string | undefined): LoadedJob {
  if (!path) throw new ConfigError('--config FILE is required (a job file; see jobs/ for examples)');
  return loadJobFile(path);
}

export async function openDatabase(job: LoadedJob, opts: { readOnly?: boolean } = {}): Promise<Database> {
  return Database.open(job.resolvePath(job.job.database), {
    readOnly: opts.readOnly,
    memoryLimit: job.job.memoryLimit,
    threads: job.job.threads,
  });
}

export function logger(opts: GlobalOptions): Logger {
  return createLogger({ level: opts.logLevel });
}

/** Run a command body; turn known failures into messages and exit codes, and anything else into "a bug". */
export async function handle(body: () => Promise<ExitCode>, out: NodeJS.WriteStream = process.stderr): Promise<ExitCode> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ConfigError) {
      out.write(`kubetrail: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof InputError) {
      out.write(`kubetrail: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof StoreError || err instanceof SourceError) {
      out.write(`kubetrail: ${err.message}\n`);
      return EXIT.fatal;
    }
    out.write(`kubetrail: unexpected error (this is a bug, please report it with the command you ran): ${describe(err)}\n`);
    if (process.env.KUBETRAIL_DEBUG) out.write(`${(err as Error)?.stack ?? ''}\n`);
    return EXIT.fatal;
  }
}
