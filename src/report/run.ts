/** Placeholder until the reports land: writes nothing. */
import type { LoadedJob } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Database } from '../store/database.js';

export type ReportKind = 'weekly' | 'findings';
export type ReportFormat = 'md' | 'html' | 'json';

export interface ReportOptions {
  kinds: ReportKind[];
  formats: ReportFormat[];
  outDir: string;
  /** Period covered, in ms before `now` (default: 7 days). */
  sinceMs?: number;
  now: Date;
  log: Logger;
  runId?: string;
}

/** Returns the paths written. */
export async function writeReports(_db: Database, _job: LoadedJob, opts: ReportOptions): Promise<string[]> {
  opts.log.debug('no reports in this build');
  return [];
}
