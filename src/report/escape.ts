/**
 * The one place where report text is made safe. Everything in a report may come from a log (user
 * names, user agents, object names, request URIs, reasons that quote them): an attacker writes those.
 *
 * - HTML: `html` is a tagged template that entity-escapes every interpolated value unless it is itself
 *   `html` output, so forgetting to escape is not possible by construction (text and attributes alike).
 * - Markdown: `mdText` neutralises markup (emphasis, links, images, autolinks, HTML tags, table pipes,
 *   block markers at the start); `mdCode` makes an inline code span that no backtick run can close.
 * - JSON is data (JSON.stringify), with <, >, & and line separators written as \u escapes so the file is
 *   inert even when a browser or a chat preview sniffs it as HTML.
 * Control characters and bidirectional overrides (which can make text read differently from what it is)
 * become visible \uXXXX in every format.
 */

// C0 and C1 controls (tab aside), bidi embeddings/overrides/isolates, zero-width and BOM characters.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Make invisible and direction-changing characters visible; turn tabs and line breaks into spaces. */
export function visible(s: string): string {
  return s.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Shorten for display (a user agent can be kilobytes), keeping the start. */
export function clip(s: string, max = 300): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// ---------------------------------------------------------------- HTML

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Entity-escape text for HTML element content and quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return visible(s).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

/** Markup that was built by `html` (or is a trusted constant): not escaped again. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function htmlValue(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(htmlValue).join('');
  return escapeHtml(String(v));
}

/** html`<td title="${reason}">${name}</td>`: every interpolation is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += htmlValue(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** Preformatted text (commands): escaped line by line, line breaks kept. */
export function htmlLines(s: string): SafeHtml {
  return new SafeHtml(s.split(/\r?\n/).map(escapeHtml).join('\n'));
}

/** A constant of our own (CSS, fixed markup). Never pass anything that came from data. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A value for an id attribute or fragment: letters, digits, dashes only. */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}

// ---------------------------------------------------------------- Markdown

// Characters that are markup anywhere in a line: escapes, code, emphasis, strikethrough, link and image
// brackets, HTML tags and autolinks (<), table cells (|), entity references (&), e-mail autolinks (@).
// Parentheses and `!` only matter after a `[`, which is escaped, so they stay as they are.
const MD_INLINE = /[\\`*_[\]<>|~&@]/g;

/** Text for a Markdown paragraph, list item or table cell: shown exactly, never interpreted. */
export function mdText(s: string): string {
  let t = visible(s).replace(MD_INLINE, (c) => `\\${c}`);
  // GitHub-flavoured autolinks need no brackets: break "scheme://" and "www."
  t = t.replace(/([A-Za-z]):(?=\/\/)/g, '$1\\:').replace(/\b(w)(ww)\./gi, '$1$2\\.');
  // a block marker at the start would turn the text into a heading, list or quote
  t = t.replace(/^(\s*)([-+=#]|\d+[.)])/, (_m, sp: string, mk: string) => `${sp}${mk.replace(/([-+=#.)])/, '\\$1')}`);
  return t;
}

/** An inline code span: for identifiers (user names, objects, addresses). In a table, pipes are escaped too. */
export function mdCode(s: string, opts: { table?: boolean } = {}): string {
  let t = visible(s);
  if (opts.table) t = t.replace(/\|/g, '\\|');
  if (t === '') return '` `';
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced block of preformatted text (remediation commands): nothing inside is interpreted. */
export function mdBlock(s: string, info = 'text'): string {
  const body = s.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const longest = Math.max(0, ...(body.match(/`{3,}|~{3,}/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

// ---------------------------------------------------------------- JSON

/** JSON text that stays inert if sniffed as HTML: <, >, & and U+2028/9 written as \u escapes. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
