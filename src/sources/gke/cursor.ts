/**
 * The GKE pull cursor and what one run reads from it.
 *
 * Cloud Logging gives every entry a `timestamp` (when the API server saw the request) and a
 * `receiveTimestamp` (when Logging stored it); entries arrive late and out of order. A run reads the
 * entries *received* in [R0, R1) whose timestamp is at least R0 - lateness, oldest timestamp first:
 * - R1 = now - settle, so an entry received just before R1 is already searchable;
 * - R0 = the previous run's R1 - overlap, so receive windows overlap a little (landing drops the
 *   duplicates) and an entry that became searchable late is still caught;
 * - late entries cost no re-read of old data: only entries received since the last run come back.
 * An entry whose timestamp is more than lateness + overlap older than its arrival is out of reach.
 *
 * Mid-window the cursor records `pending`: all entries of the window with timestamp < resumeAt have
 * landed. Entries ordered by timestamp share a timestamp across a page boundary, so a resumed read
 * starts at `timestamp >= resumeAt` and landing drops the ones it already has.
 *
 * A backfill (--since [--until]) reads by timestamp only and never moves the cursor back; it moves it
 * forward only when it read everything the incremental run would have read.
 */
import { formatRfc3339, fromMillis, parseRfc3339, type Nanos } from './timestamp.js';

export const CURSOR_FORMAT_VERSION = 1;

export interface GkeCursor {
  /** Every entry received before this (within lateness) has landed. Absent before the first complete run. */
  receivedBefore?: string;
  /** A window being read when the last run stopped. */
  pending?: { receivedBefore: string; resumeAt: string };
}

/** A slice of the log: entries with receiveTimestamp in [receivedFrom, receivedBefore) and timestamp in [timestampFrom, timestampBefore). */
export interface Window {
  receivedFrom?: Nanos;
  receivedBefore?: Nanos;
  timestampFrom: Nanos;
  timestampBefore?: Nanos;
}

export interface PlanOptions {
  now: Date;
  lookbackMs: number;
  latenessMs: number;
  settleMs: number;
  overlapMs: number;
  since?: Date;
  until?: Date;
}

export interface Plan {
  kind: 'incremental' | 'backfill';
  /** What to read (empty: nothing new yet). */
  windows: Window[];
  /** Cursor to commit once everything with timestamp < resumeAt has landed (undefined: commit none). */
  progress(resumeAt: Nanos): GkeCursor | undefined;
  /** Cursor to commit when every window has been read (undefined: leave the cursor as it is). */
  complete: GkeCursor | undefined;
  /** Members with equal keys can share one query. */
  key: string;
}

const max = (a: Nanos, b: Nanos): Nanos => (a > b ? a : b);

/** Read a stored cursor; throws a message saying what is wrong. */
export function readCursor(state: unknown): GkeCursor {
  if (state === undefined || state === null) return {};
  const s = state as GkeCursor;
  const bad = (what: string) => new Error(`the stored GKE cursor ${JSON.stringify(state).slice(0, 200)} has ${what}; delete its pull_state row to start again from the lookback`);
  if (typeof s !== 'object') throw bad('the wrong shape');
  if (s.receivedBefore !== undefined && parseRfc3339(s.receivedBefore) === undefined) throw bad('an unreadable receivedBefore');
  if (s.pending !== undefined && (parseRfc3339(s.pending.receivedBefore) === undefined || parseRfc3339(s.pending.resumeAt) === undefined))
    throw bad('an unreadable pending window');
  return s;
}

export function planIncremental(cursor: GkeCursor, o: PlanOptions): Plan {
  let r1 = fromMillis(o.now.getTime() - o.settleMs);
  if (o.until) r1 = r1 < fromMillis(o.until.getTime()) ? r1 : fromMillis(o.until.getTime());
  const overlap = fromMillis(o.overlapMs);
  const lateness = fromMillis(o.latenessMs);
  const done = cursor.receivedBefore !== undefined ? parseRfc3339(cursor.receivedBefore)! : undefined;
  const r0 = done !== undefined ? done - overlap : undefined;
  const t0 = r0 !== undefined ? r0 - lateness : fromMillis(o.now.getTime() - o.lookbackMs);
  const windows: Window[] = [];
  let reach = done ?? 0n;
  if (cursor.pending) {
    const rp = parseRfc3339(cursor.pending.receivedBefore)!;
    const tp = parseRfc3339(cursor.pending.resumeAt)!;
    windows.push({ receivedFrom: r0, receivedBefore: rp, timestampFrom: tp });
    if (r1 > rp) windows.push({ receivedFrom: rp - overlap, receivedBefore: r1, timestampFrom: rp - overlap - lateness });
    reach = max(reach, rp);
  } else if (r0 === undefined || r1 > r0) {
    windows.push({ receivedFrom: r0, receivedBefore: r1, timestampFrom: t0 });
  }
  reach = max(reach, r1);
  const upTo = windows.reduce((m, w) => max(m, w.receivedBefore!), 0n);
  return {
    kind: 'incremental',
    windows,
    progress: (resumeAt) => ({
      ...(cursor.receivedBefore !== undefined ? { receivedBefore: cursor.receivedBefore } : {}),
      pending: { receivedBefore: formatRfc3339(upTo), resumeAt: formatRfc3339(resumeAt) },
    }),
    complete: { receivedBefore: formatRfc3339(reach) },
    key: windowsKey('incremental', windows),
  };
}

export function planBackfill(cursor: GkeCursor, o: PlanOptions & { since: Date }): Plan {
  const r1 = fromMillis(o.now.getTime() - o.settleMs);
  const window: Window = {
    timestampFrom: fromMillis(o.since.getTime()),
    ...(o.until ? { timestampBefore: fromMillis(o.until.getTime()) } : { receivedBefore: r1 }),
  };
  // Without --until the backfill reads everything received before R1 from `since` on: when `since` is
  // no later than where the incremental run would start, it is a superset and may move the cursor on.
  const incremental = planIncremental(cursor, { ...o, until: undefined });
  const covers = !o.until && incremental.windows.every((w) => w.timestampFrom >= window.timestampFrom);
  return {
    kind: 'backfill',
    windows: [window],
    progress: () => undefined,
    complete: covers ? incremental.complete : undefined,
    key: windowsKey('backfill', [window]),
  };
}

export function plan(cursor: GkeCursor, o: PlanOptions): Plan {
  return o.since ? planBackfill(cursor, { ...o, since: o.since }) : planIncremental(cursor, o);
}

/** The smallest single window that holds all of these. */
export function boundingWindow(windows: readonly Window[]): Window {
  const all = <K extends keyof Window>(k: K) => windows.map((w) => w[k]);
  const lo = (xs: (Nanos | undefined)[]) => (xs.some((x) => x === undefined) ? undefined : xs.reduce((a, b) => (b! < a! ? b : a)));
  const hi = (xs: (Nanos | undefined)[]) => (xs.some((x) => x === undefined) ? undefined : xs.reduce((a, b) => (b! > a! ? b : a)));
  return {
    receivedFrom: lo(all('receivedFrom')),
    receivedBefore: hi(all('receivedBefore')),
    timestampFrom: lo(all('timestampFrom'))!,
    timestampBefore: hi(all('timestampBefore')),
  };
}

export function inWindow(w: Window, timestamp: Nanos, received: Nanos | undefined): boolean {
  if (timestamp < w.timestampFrom) return false;
  if (w.timestampBefore !== undefined && timestamp >= w.timestampBefore) return false;
  if (w.receivedFrom !== undefined && (received === undefined || received < w.receivedFrom)) return false;
  if (w.receivedBefore !== undefined && received !== undefined && received >= w.receivedBefore) return false;
  return true;
}

function windowsKey(kind: string, windows: readonly Window[]): string {
  return JSON.stringify([kind, windows.map((w) => [w.receivedFrom, w.receivedBefore, w.timestampFrom, w.timestampBefore].map((x) => (x === undefined ? null : String(x))))]);
}
