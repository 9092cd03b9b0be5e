/**
 * Which time range a run fetches, cut into slices. Pure: every input is an argument (the clock too), so
 * the rules below are tested on their own.
 *
 * Times are integer epoch milliseconds and every range is half-open, [start, end): a millisecond belongs
 * to exactly one slice, so events that share the millisecond at a boundary are never split between two
 * slices or two runs. The watermark is such a boundary: everything with a timestamp before it has been
 * fetched (as CloudWatch showed it then); nothing at or after it is claimed.
 *
 * - incremental run: [watermark - lateness, now - settle), to catch events delivered late;
 * - first run:       [now - lookback, now - settle);
 * - backfill:        [since, until) (either end defaults as above), clamped to now - settle.
 * Finishing a window moves the watermark to max(old, end), but only when the window starts at or before
 * the old watermark: a backfill that leaves a gap after it must not claim the gap.
 */

export interface WindowPlanInput {
  /** Exclusive bound of what earlier runs fetched (epoch ms); absent on a first run. */
  watermark?: number;
  now: number;
  latenessMs: number;
  lookbackMs: number;
  settleMs: number;
  /** --since / --until (epoch ms). */
  since?: number;
  until?: number;
  /** Slices are at least this long when the window allows (each slice costs at least one request). */
  minSliceMs: number;
  /** ... and at most this long (the watermark moves at slice ends, so this bounds the re-fetch after a crash). */
  maxSliceMs: number;
  /** Slices fetched at once: a long enough window is cut into at least this many. */
  parallel: number;
}

export interface Slice {
  start: number;
  end: number;
}

export interface WindowPlan {
  kind: 'first' | 'incremental' | 'backfill';
  start: number;
  end: number;
  /** In time order, contiguous, covering [start, end); empty when there is nothing to fetch yet. */
  slices: Slice[];
  /** Whether finishing slices may move the watermark (see watermarkAfter). */
  advances: boolean;
}

export function planWindows(p: WindowPlanInput): WindowPlan {
  const ceiling = Math.floor(p.now - p.settleMs);
  const backfill = p.since !== undefined || p.until !== undefined;
  const kind = backfill ? 'backfill' : p.watermark === undefined ? 'first' : 'incremental';
  const defaultStart = p.watermark === undefined ? p.now - p.lookbackMs : p.watermark - p.latenessMs;
  const start = Math.max(0, Math.floor(p.since ?? defaultStart));
  const end = Math.min(ceiling, Math.floor(p.until ?? ceiling));
  const advances = p.watermark === undefined || start <= p.watermark;
  return { kind, start, end, slices: cut(start, end, p), advances };
}

function cut(start: number, end: number, p: WindowPlanInput): Slice[] {
  const span = end - start;
  if (span <= 0) return [];
  const byMax = Math.ceil(span / p.maxSliceMs);
  const byMin = Math.max(1, Math.floor(span / p.minSliceMs));
  const n = Math.min(span, Math.max(byMax, Math.min(p.parallel, byMin)));
  const slices: Slice[] = [];
  let from = start;
  for (let k = 1; k <= n; k++) {
    const to = k === n ? end : start + Math.round((span * k) / n);
    slices.push({ start: from, end: to });
    from = to;
  }
  return slices;
}

/** The watermark once the slices of `plan` up to `doneUpTo` (a slice end) are all fetched. */
export function watermarkAfter(plan: WindowPlan, old: number | undefined, doneUpTo: number): number | undefined {
  if (!plan.advances) return old;
  return old === undefined ? doneUpTo : Math.max(old, doneUpTo);
}

/**
 * Tracks which slices are done and how far the finished prefix reaches: slices finish out of order, but
 * the watermark may only pass a point when every slice before it is complete.
 */
export class SlicePrefix {
  private readonly done: boolean[];
  private next = 0;

  constructor(private readonly slices: readonly Slice[]) {
    this.done = slices.map(() => false);
  }

  /** Mark slice `i` done; returns the end of the finished prefix when it grew, else undefined. */
  finish(i: number): number | undefined {
    this.done[i] = true;
    const before = this.next;
    while (this.next < this.done.length && this.done[this.next]) this.next++;
    return this.next > before ? this.slices[this.next - 1]!.end : undefined;
  }

  get complete(): boolean {
    return this.next === this.done.length;
  }
}
