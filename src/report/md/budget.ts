/**
 * Keeps a Markdown report small enough for a ticket or a chat message: a GitHub issue body takes at most
 * 65,536 characters and a Slack message 40,000. The HTML and JSON reports carry everything; the Markdown
 * says where something was cut.
 */

/** Characters a Markdown report aims to stay under (the tests hold it under 40,000). */
export const MD_BUDGET = 38_000;

/** A section in two sizes: full (what a reader acts on) and short (a line or two that points elsewhere). */
export interface Sized {
  full: string[];
  short: string[];
}

export function size(lines: string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0);
}

/**
 * Fits sections into `budget` characters, in their order (most important first): every section short as
 * long as they fit (the rest are left out), then sections made full in order while the total still fits.
 * Returns the chosen lines of the sections kept and how many were left out.
 */
export function fit(sections: Sized[], budget: number): { kept: string[][]; full: number; omitted: number } {
  const kept: string[][] = [];
  let used = 0;
  for (const s of sections) {
    const n = size(s.short);
    if (used + n > budget) break;
    kept.push(s.short);
    used += n;
  }
  let full = 0;
  kept.forEach((short, i) => {
    const grow = size(sections[i]!.full) - size(short);
    if (used + grow <= budget) {
      kept[i] = sections[i]!.full;
      used += grow;
      full++;
    }
  });
  return { kept, full, omitted: sections.length - kept.length };
}

/** At most `max` entries of a list, and "N more" when some were cut. */
export function some<T>(list: T[], max: number, show: (x: T) => string, where: string): string {
  const shown = list.slice(0, max).map(show).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more in ${where}` : shown;
}

/** Whole lines of `text` up to about `max` characters (a command is never cut in the middle), and whether some were left out. */
export function headLines(text: string, max: number): { text: string; cut: boolean } {
  const lines = text.split(/\r?\n/);
  let n = 0;
  let i = 0;
  for (; i < lines.length; i++) {
    if (i > 0 && n + lines[i]!.length > max) break;
    n += lines[i]!.length + 1;
  }
  return { text: lines.slice(0, i).join('\n'), cut: i < lines.length };
}
