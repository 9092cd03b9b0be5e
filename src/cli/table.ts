/** Query results as an aligned text table, CSV (RFC 4180) or JSON. */
import type { Json } from '@duckdb/node-api';

export type OutputFormat = 'table' | 'csv' | 'json';

const text = (v: Json): string => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function formatRows(columns: string[], rows: Record<string, Json>[], format: OutputFormat, maxWidth = 80): string {
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (format === 'csv') {
    const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    return [columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(text(r[c] ?? null))).join(','))].join('\r\n') + '\r\n';
  }
  const clip = (s: string) => {
    const one = s.replace(/[\r\n\t]+/g, ' ');
    return maxWidth > 0 && one.length > maxWidth ? one.slice(0, maxWidth - 1) + '…' : one;
  };
  const cells = rows.map((r) => columns.map((c) => clip(text(r[c] ?? null))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}
