/**
 * The HTML page around a report: one self-contained file. A Content-Security-Policy forbids scripts and
 * every external resource, so even a mistake in escaping could not run code or call out; the styles
 * are inline and carry a print layout.
 */
import { html, trusted, type SafeHtml } from '../escape.js';

const CSS = `
:root { --alarm:#b42318; --alarm-bg:#fee4e2; --unknown:#93370d; --unknown-bg:#fef0c7; --info:#344054; --info-bg:#eaecf0; --ok:#067647; --ok-bg:#dcfae6; --line:#d0d5dd; --muted:#667085; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color:#101828; margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #101828; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; } .muted, .meta { color: var(--muted); } .meta { margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; } th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
pre { background: #f2f4f7; border: 1px solid var(--line); padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px; margin: 4px 0 10px; }
.badge { display: inline-block; min-width: 58px; text-align: center; border-radius: 4px; padding: 0 6px; font-weight: 600; font-size: 12px; }
.s-alarm { color: var(--alarm); background: var(--alarm-bg); } .s-unknown { color: var(--unknown); background: var(--unknown-bg); }
.s-info { color: var(--info); background: var(--info-bg); } .s-ok { color: var(--ok); background: var(--ok-bg); } .s-none { color: var(--muted); }
table.fleet td.st { text-align: center; font-weight: 700; width: 1%; white-space: nowrap; } table.fleet th.rot { font-size: 11px; text-align: center; }
.sev-critical, .sev-high { color: var(--alarm); font-weight: 700; } .sev-medium { color: var(--unknown); font-weight: 600; } .sev-low, .sev-info { color: var(--info); }
.new { background: #101828; color: #fff; border-radius: 3px; padding: 0 5px; font-size: 11px; font-weight: 700; margin-left: 4px; }
section.cluster, section.detection { border-top: 1px solid var(--line); margin-top: 22px; }
.grid { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; } .grid > div { min-width: 260px; }
svg.chart text { font-size: 10px; fill: #344054; font-family: inherit; } svg.chart text.val { text-anchor: middle; } svg.chart text.lbl { text-anchor: middle; }
svg.chart text.day { text-anchor: end; } rect.bar { fill: #2e90fa; } rect.bar-empty { fill: var(--alarm); }
rect.cell-events.l1 { fill: #d1e9ff; } rect.cell-events.l2 { fill: #84caff; } rect.cell-events.l3 { fill: #2e90fa; } rect.cell-events.l4 { fill: #1849a9; }
rect.cell-hole { fill: var(--alarm); } path.cross { stroke: #fff; stroke-width: 1.6; } rect.cell-idle { fill: #eaecf0; } rect.cell-outside { fill: #fff; stroke: #eaecf0; }
.legend { font-size: 12px; color: var(--muted); } .key { display: inline-block; width: 12px; height: 10px; margin: 0 3px 0 10px; vertical-align: -1px; }
.key-events { background: #2e90fa; } .key-hole { background: var(--alarm); } .key-idle { background: #eaecf0; } .key-outside { border: 1px solid #eaecf0; }
rect.meter-bg { fill: #eaecf0; } rect.meter-fg { fill: #2e90fa; } svg.meter { vertical-align: -1px; margin-left: 6px; }
ul.tight { margin: 4px 0 10px; padding-left: 20px; } nav.toc { columns: 3; font-size: 13px; } nav.toc a { text-decoration: none; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; } * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.cluster, section.detection { break-before: page; border: 0; } h2, h3 { break-after: avoid; }
  tr, svg, pre, .grid > div { break-inside: avoid; } thead { display: table-header-group; } nav.toc { display: none; } a { color: inherit; text-decoration: none; }
}`;

export function page(title: string, body: SafeHtml): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
${body}
</body>
</html>`.value}\n`;
}
