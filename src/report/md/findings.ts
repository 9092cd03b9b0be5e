/**
 * The findings report as Markdown, sized for a ticket or a chat message (md/budget.ts): a summary table of
 * every detection, then per detection (most severe first) its evidence, at most MD_ITEMS findings with
 * MD_SAMPLES sample events each. When the whole does not fit, the less severe detections are shortened to
 * a line, then left to the table; each cut says that findings.html and findings.json have the rest.
 */
import { clip, mdBlock, mdCode, mdText } from '../escape.js';
import { num, when } from '../format.js';
import type { DetectionSection, FindingItem, FindingsReport } from '../model.js';
import { fit, headLines, MD_BUDGET, size, some } from './budget.js';

/** Findings listed per detection. */
export const MD_ITEMS = 5;
/** Sample events listed per finding. */
export const MD_SAMPLES = 2;
const MD_NAMES = 3;
const ELSEWHERE = 'findings.html / findings.json';

export function findingsMd(r: FindingsReport): string {
  const out: string[] = [
    '# kubetrail — findings report',
    '',
    `${when(r.period.start)} to ${when(r.period.end)} · generated ${when(r.generatedAt)} · ${r.previousReport ? `new since the report of ${when(r.previousReport.generatedAt)}` : 'first findings report: everything is new'}`,
    '',
  ];
  if (!r.available) out.push('**No findings table yet:** run `kubetrail detect` (or `kubetrail run`) first.');
  else if (!r.detections.length) out.push('No findings in the period.');
  else {
    out.push(
      `${num(r.totals.findings)} findings (**${num(r.totals.newFindings)} new**) from ${num(r.totals.detections)} detections · ${Object.entries(r.totals.bySeverity).map(([k, v]) => `${num(v)} ${mdText(k)}`).join(', ')}`,
      '',
      '| Detection | Severity | Findings | New | Last seen | Clusters | MITRE |',
      '|---|---|--:|--:|---|---|---|',
    );
    // The table lists every detection unless that alone would take half the budget.
    let rows = 0;
    for (const d of r.detections) {
      const row = `| ${mdText(clip(d.title, 120))} | ${mdText(d.severity)} | ${num(d.findings)} | ${d.newFindings ? `**${num(d.newFindings)}**` : ''} | ${when(d.lastSeen)} | ${some(d.clusters, 3, (c) => mdCode(clip(c, 60), { table: true }), 'the HTML')} | ${mdText(clip(d.mitre.join(', '), 60))} |`;
      if (size(out) + row.length > MD_BUDGET / 2) break;
      out.push(row);
      rows++;
    }
    if (rows < r.detections.length) out.push('', `${num(r.detections.length - rows)} more detections in ${ELSEWHERE}.`);
    out.push('');
    const note = 200;
    const { kept, omitted } = fit(r.detections.slice(0, rows).map((d) => ({ full: detection(d), short: short(d) })), MD_BUDGET - size(out) - note);
    for (const lines of kept) out.push(...lines);
    if (omitted) out.push(`Evidence of the other ${num(omitted)} detections in the table: ${ELSEWHERE}.`, '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function heading(d: DetectionSection): string[] {
  return [
    `## ${mdText(d.title)} (${mdText(d.severity)})${d.newFindings ? ` — ${num(d.newFindings)} new` : ''}`,
    '',
    `${mdCode(d.detectionId)} · ${num(d.findings)} findings, ${num(d.events)} events · first ${when(d.firstSeen)}, last ${when(d.lastSeen)}${d.mitre.length ? ` · MITRE ${mdText(d.mitre.join(', '))}` : ''}${d.inLibrary ? '' : ' · no longer in the detection library'}`,
    '',
  ];
}

function short(d: DetectionSection): string[] {
  return [...heading(d), `Findings and evidence: ${ELSEWHERE}.`, ''];
}

function detection(d: DetectionSection): string[] {
  const out = heading(d);
  // the first sentence says what it is; the whole description is in the HTML
  if (d.description) out.push(mdText(clip(d.description.split(/(?<=[.!?])\s/)[0]!, 240)), '');
  out.push(`**Principals:** ${d.principals.length ? some(d.principals, MD_NAMES, (p) => mdCode(clip(p, 120)), ELSEWHERE) : 'none recorded'}  `);
  out.push(`**Source IPs:** ${d.sourceIps.length ? some(d.sourceIps, MD_NAMES, (p) => mdCode(clip(p, 60)), ELSEWHERE) : 'none recorded'}`, '');
  if (d.response) {
    const h = headLines(d.response, 1200);
    out.push('**Response**', '', mdBlock(h.text), '');
    if (h.cut) out.push(`The rest of the response steps: ${ELSEWHERE}.`, '');
  }
  for (const f of d.items.slice(0, MD_ITEMS)) out.push(...item(f));
  const more = d.findings - Math.min(d.items.length, MD_ITEMS);
  if (more) {
    const listed = d.items.length - Math.min(d.items.length, MD_ITEMS);
    const where = d.omittedItems
      ? `${listed ? `${num(listed)} in ${ELSEWHERE}, ` : ''}all in the database (\`kubetrail sql\`: FROM findings WHERE detection_id = '${mdText(d.detectionId)}')`
      : ELSEWHERE;
    out.push(`- ${num(more)} more findings: ${where}`);
  }
  out.push('');
  return out;
}

function item(f: FindingItem): string[] {
  const out = [`- ${f.isNew ? '**NEW** ' : ''}${mdCode(clip(f.cluster, 60))}: ${mdText(clip(f.summary, 300))} (${num(f.eventCount)} events, ${when(f.firstSeen)} to ${when(f.lastSeen)}, ${mdText(f.status)})`];
  const samples = f.samples.slice(0, MD_SAMPLES);
  for (const s of samples) {
    const target = `${s.verb ?? ''} ${[s.resource, s.subresource].filter(Boolean).join('/')} ${s.namespace ? `${s.namespace}/` : ''}${s.name ?? ''}`.trim();
    out.push(`  - ${when(s.eventTime)} ${mdCode(s.auditId)} ${mdCode(clip(s.user ?? '?', 100))} ${mdCode(clip(target || '?', 150))} from ${s.sourceIps.slice(0, 3).map((ip) => mdCode(ip)).join(', ') || '?'}${s.userAgent ? ` with ${mdCode(clip(s.userAgent, 100))}` : ''}${s.responseCode ? ` → ${s.responseCode}` : ''}`);
  }
  if (f.auditIds.length > samples.length) out.push(`  - ${num(f.auditIds.length - samples.length)} more events: ${ELSEWHERE}`);
  return out;
}
