/**
 * The demo's week and its clock. Everything is placed relative to `start` (= end - 7 days), so a run with
 * `--end now` has the same shape, story and gaps as the default run, only shifted. Times are integer
 * microseconds since the epoch: Kubernetes audit timestamps carry microseconds.
 */

/** Default end of the demo week: Monday 2026-11-16 00:00 UTC, so the week is Monday to Sunday. */
export const DEFAULT_END = '2026-11-16T00:00:00Z';
export const DAY_US = 86_400e6;
export const HOUR_US = 3_600e6;
export const MINUTE_US = 60e6;

export interface Week {
  /** The data covers [startUs, endUs): seven days before the end. */
  startUs: number;
  endUs: number;
  /**
   * Midnight UTC of the first calendar day (= startUs when the end is a midnight). The story, the gaps
   * and the files' days are placed from here, so with `--end now` they keep their time of day.
   */
  anchorUs: number;
}

export function weekEnding(end: Date): Week {
  const endUs = Math.floor(end.getTime() / 1000) * 1e6;
  return { startUs: endUs - 7 * DAY_US, endUs, anchorUs: Math.floor(endUs / DAY_US) * DAY_US - 7 * DAY_US };
}

/** anchor + days + hh:mm[:ss] */
export function at(week: Week, days: number, hhmm: string): number {
  const [h, m, s] = hhmm.split(':').map(Number);
  return week.anchorUs + days * DAY_US + (h ?? 0) * HOUR_US + (m ?? 0) * MINUTE_US + (s ?? 0) * 1e6;
}

/** Calendar day (UTC) of a time, counted from the anchor: 0..6, or 0..7 when the end is not a midnight. */
export function dayIndex(week: Week, us: number): number {
  return Math.floor((us - week.anchorUs) / DAY_US);
}

/** Index of the last calendar day with data. */
export function lastDay(week: Week): number {
  return dayIndex(week, week.endUs - 1);
}

/**
 * How busy people are at a time (0..1): office hours of a team in Central Europe (07:00-17:00 UTC), a
 * little evening work, quiet nights and weekends. Controllers follow people's deployments, kubelets do not.
 */
export function humanActivity(us: number): number {
  const d = new Date(us / 1000);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  let a: number;
  if (hour >= 7 && hour < 17) a = 1 - 0.25 * Math.abs(hour - 12) / 5; // peak around noon
  else if (hour >= 17 && hour < 21) a = 0.35;
  else if (hour >= 6 && hour < 7) a = 0.3;
  else a = 0.05;
  return weekend ? a * 0.15 : a;
}

/** 2026-11-12T22:41:07.123456Z (Kubernetes audit timestamps: microseconds). */
export function isoMicros(us: number): string {
  const second = Math.floor(us / 1e6);
  if (second !== lastSecond) {
    lastSecond = second;
    lastPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  return lastPrefix + '.' + String(Math.floor(us) - second * 1_000_000).padStart(6, '0') + 'Z';
}
// events come mostly in time order: format each second once
let lastSecond = NaN;
let lastPrefix = '';

/** Same instant with `digits` fractional digits, the extra ones (beyond microseconds) from `extra`. */
export function isoFraction(us: number, digits: 7 | 9, extra: number): string {
  const base = isoMicros(us).slice(0, -1);
  return base + String(extra).padStart(digits - 6, '0').slice(0, digits - 6) + 'Z';
}

export function dateOf(us: number): string {
  return new Date(us / 1000).toISOString().slice(0, 10);
}
