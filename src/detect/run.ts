/** Placeholder until the detection engine lands: runs nothing. */
import type { LoadedJob } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Database } from '../store/database.js';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface DetectOptions {
  runId: string;
  now: Date;
  log: Logger;
  /** New findings at or above this severity make `failing` non-zero. */
  failOn?: Severity;
}

export interface DetectSummary {
  detections: number;
  newFindings: number;
  updatedFindings: number;
  bySeverity: Partial<Record<Severity, number>>;
  /** New findings at or above failOn. */
  failing: number;
  seconds: number;
}

export async function runDetections(_db: Database, _job: LoadedJob, opts: DetectOptions): Promise<DetectSummary> {
  opts.log.debug('no detections in this build');
  return { detections: 0, newFindings: 0, updatedFindings: 0, bySeverity: {}, failing: 0, seconds: 0 };
}
