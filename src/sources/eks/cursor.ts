/**
 * The EKS source's pull_state row, one per cluster and log group (stream `cloudwatch:<log group>`).
 * `watermark_ms` is an exclusive bound: every event with a smaller timestamp has been fetched and landed
 * in the same transaction that wrote this row; nothing at or after it is claimed. Because slices and runs
 * split time only at whole milliseconds, no event at the boundary needs remembering by id: the next run
 * fetches the boundary millisecond whole, and re-reads from `watermark - lateness` are dropped by the
 * landing's (cluster, audit_id, stage) anti-join.
 */

export const CURSOR_FORMAT = 1;

export interface EksCursor {
  format_version: typeof CURSOR_FORMAT;
  log_group: string;
  watermark_ms: number;
  /** The same instant, for people reading pull_state. */
  watermark: string;
}

export const cursorStream = (logGroup: string): string => `cloudwatch:${logGroup}`;

export function makeCursor(logGroup: string, watermarkMs: number): EksCursor {
  return { format_version: CURSOR_FORMAT, log_group: logGroup, watermark_ms: watermarkMs, watermark: new Date(watermarkMs).toISOString() };
}

/** The stored watermark, or a message saying why the row cannot be used. */
export function readCursor(state: unknown, logGroup: string): { watermark?: number; problem?: string } {
  if (state === undefined || state === null) return {};
  const s = state as Partial<EksCursor>;
  if (typeof s !== 'object' || typeof s.format_version !== 'number') {
    return { problem: `its pull_state row for ${cursorStream(logGroup)} is not an EKS cursor (no format_version)` };
  }
  if (s.format_version > CURSOR_FORMAT) {
    return { problem: `its pull_state row was written by a newer kubetrail (cursor format ${s.format_version}; this one reads ${CURSOR_FORMAT}): upgrade kubetrail` };
  }
  if (typeof s.watermark_ms !== 'number' || !Number.isSafeInteger(s.watermark_ms) || s.watermark_ms < 0) {
    return { problem: `its pull_state row for ${cursorStream(logGroup)} has no usable watermark_ms` };
  }
  return { watermark: s.watermark_ms };
}
