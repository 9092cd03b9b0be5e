/** Durations ("90s", "10m", "24h", "7d", "2w") and times (ISO 8601, or a duration meaning "that long ago"). */

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

/** A point in time: an ISO timestamp, or a duration before `now`. */
export function parseTime(text: string, now: Date): Date | undefined {
  const d = parseDuration(text);
  if (d !== undefined) return new Date(now.getTime() - d);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
  const t = new Date(text.trim());
  return Number.isNaN(t.getTime()) ? undefined : t;
}

export function formatDuration(ms: number): string {
  if (ms % UNITS.d! === 0) return `${ms / UNITS.d!}d`;
  if (ms % UNITS.h! === 0) return `${ms / UNITS.h!}h`;
  if (ms % UNITS.m! === 0) return `${ms / UNITS.m!}m`;
  return `${Math.round(ms / 1000)}s`;
}
