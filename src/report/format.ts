/** Number, share, time and duration formats shared by the Markdown and HTML renderers. */

export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US');
}

export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  if (x > 0 && x < 0.001) return '<0.1%';
  return `${(x * 100).toFixed(1)}%`;
}

/** 2026-11-24T13:00:00Z -> 2026-11-24 13:00 UTC */
export function when(iso: string | null | undefined): string {
  if (!iso) return 'n/a';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return 'n/a';
  const a = Math.abs(s);
  if (a < 120) return `${Math.round(s)} s`;
  if (a < 7200) return `${Math.round(s / 60)} min`;
  if (a < 172800) return `${(s / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${(s / 86400).toFixed(1).replace(/\.0$/, '')} days`;
}

export const STATUS_WORD = { alarm: 'alarm', unknown: 'unknown', info: 'info', ok: 'ok' } as const;
/** One character per status for tables at a glance (Markdown and HTML alike). */
export const STATUS_MARK = { alarm: '✗', unknown: '?', info: 'i', ok: '✓' } as const;

/** A value of a posture fact, in a line. */
export function factValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '(none)';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** "1 alarm", "3 alarms" */
export function count(n: number, word: string): string {
  return `${num(n)} ${word}${n === 1 ? '' : 's'}`;
}
