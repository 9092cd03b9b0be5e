/** The hour-by-day heat map as a text grid for Markdown (inside a code block, so nothing is markup). */
import type { HeatRow } from '../model.js';

const SHADES = ['░', '▒', '▓', '█'];
export const HEAT_LEGEND = '░▒▓█ events (more is darker) · X hole: no events while the cluster was logging · . before the first or after the newest event · (blank) outside the period';

export function heatText(rows: HeatRow[]): string {
  const max = Math.max(1, ...rows.flatMap((r) => r.hours.map((c) => c.events)));
  // one label per three hours, over the three cells it heads
  const head = `${' '.repeat(11)}${Array.from({ length: 8 }, (_, i) => `${String(i * 3).padStart(2, '0')} `).join('')}`;
  const lines = rows.map((r) => {
    const cells = r.hours
      .map((c) => {
        if (c.state === 'hole') return 'X';
        if (c.state === 'idle') return '.';
        if (c.state === 'outside') return ' ';
        return SHADES[Math.min(3, Math.floor((Math.log(c.events + 1) / Math.log(max + 1)) * 4))]!;
      })
      .join('');
    return `${r.day} ${cells}`;
  });
  return [head.trimEnd(), ...lines].join('\n');
}
