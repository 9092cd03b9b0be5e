/**
 * Inline SVG charts for the HTML report (no scripts, no external resources): events per day and the
 * hour-by-day heat map that makes holes visible. Every label goes through `html`, so it is escaped.
 */
import { html, type SafeHtml } from '../escape.js';
import { num } from '../format.js';
import type { HeatRow } from '../model.js';

export function dayBars(days: { day: string; events: number }[]): SafeHtml {
  if (!days.length) return html`<p class="muted">No days in the period.</p>`;
  const w = 44;
  const h = 120;
  const max = Math.max(1, ...days.map((d) => d.events));
  const width = days.length * w + 10;
  const bars = days.map((d, i) => {
    const bh = d.events ? Math.max(2, Math.round((d.events / max) * (h - 30))) : 0;
    const x = 5 + i * w;
    return html`<g><title>${d.day}: ${num(d.events)} events</title>
<rect class="${d.events ? 'bar' : 'bar-empty'}" x="${x + 6}" y="${h - 16 - bh}" width="${w - 12}" height="${bh || 1}"></rect>
<text class="val" x="${x + w / 2}" y="${h - 20 - bh}">${short(d.events)}</text>
<text class="lbl" x="${x + w / 2}" y="${h - 3}">${d.day.slice(5)}</text></g>`;
  });
  return html`<svg class="chart days" role="img" aria-label="Events per day" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}">${bars}</svg>`;
}

const STATE_TEXT = { events: 'events', hole: 'no events (hole: the cluster logged before and after)', idle: 'no events (before the first or after the newest)', outside: 'outside the period' } as const;

/** Rows are UTC days, columns hours 0-23; a hole is red with a cross, so it shows in print too. */
export function heatMap(rows: HeatRow[]): SafeHtml {
  if (!rows.length) return html`<p class="muted">No hours in the period.</p>`;
  const cw = 18;
  const ch = 16;
  const left = 78;
  const top = 16;
  const max = Math.max(1, ...rows.flatMap((r) => r.hours.map((c) => c.events)));
  const width = left + 24 * cw + 4;
  const height = top + rows.length * ch + 4;
  const heads = Array.from({ length: 24 }, (_, hr) => (hr % 3 === 0 ? html`<text class="lbl" x="${left + hr * cw + cw / 2}" y="11">${String(hr).padStart(2, '0')}</text>` : html``));
  const body = rows.map((r, ri) => {
    const y = top + ri * ch;
    const cells = r.hours.map((c, hr) => {
      const x = left + hr * cw;
      const level = c.state === 'events' ? Math.min(4, 1 + Math.floor((Math.log(c.events + 1) / Math.log(max + 1)) * 4)) : 0;
      const cls = c.state === 'events' ? `cell cell-events l${level}` : `cell cell-${c.state}`;
      const label = `${r.day} ${String(hr).padStart(2, '0')}:00 UTC: ${c.state === 'events' ? `${num(c.events)} events` : STATE_TEXT[c.state]}`;
      const cross =
        c.state === 'hole'
          ? html`<path class="cross" d="M${x + 4} ${y + 3}L${x + cw - 5} ${y + ch - 4}M${x + cw - 5} ${y + 3}L${x + 4} ${y + ch - 4}"></path>`
          : html``;
      return html`<g data-day="${r.day}" data-hour="${hr}" data-state="${c.state}"><title>${label}</title><rect class="${cls}" x="${x + 1}" y="${y + 1}" width="${cw - 2}" height="${ch - 2}"></rect>${cross}</g>`;
    });
    return html`<text class="lbl day" x="${left - 6}" y="${y + ch - 4}">${r.day}</text>${cells}`;
  });
  return html`<svg class="chart heat" role="img" aria-label="Events per hour, by day (UTC)" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${heads}${body}</svg>
<p class="legend"><span class="key key-events"></span> events (darker: more) <span class="key key-hole"></span> hole: no events while the cluster was logging <span class="key key-idle"></span> before the first or after the newest event <span class="key key-outside"></span> outside the period</p>`;
}

/** A horizontal bar for a share (0..1). */
export function meter(share: number | null, label: string): SafeHtml {
  const w = 160;
  const v = share === null ? 0 : Math.max(0, Math.min(1, share));
  return html`<svg class="meter" role="img" aria-label="${label}" viewBox="0 0 ${w} 12" width="${w}" height="12"><rect class="meter-bg" x="0" y="0" width="${w}" height="12"></rect><rect class="meter-fg" x="0" y="0" width="${Math.round(v * w)}" height="12"></rect></svg>`;
}

function short(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1).replace(/\.0$/, '')}k`;
  return String(n);
}
