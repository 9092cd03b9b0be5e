/** The findings report as Markdown: a summary table, then each detection with its evidence. */
import { clip, mdBlock, mdCode, mdText } from '../escape.js';
import { num, when } from '../format.js';
import type { DetectionSection, FindingsReport } from '../model.js';

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
    for (const d of r.detections) {
      out.push(`| ${mdText(d.title)} | ${mdText(d.severity)} | ${num(d.findings)} | ${d.newFindings ? `**${num(d.newFindings)}**` : ''} | ${when(d.lastSeen)} | ${d.clusters.map((c) => mdCode(c, { table: true })).join(' ')} | ${mdText(d.mitre.join(', '))} |`);
    }
    out.push('');
    for (const d of r.detections) out.push(...detection(d));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function detection(d: DetectionSection): string[] {
  const out = [
    `## ${mdText(d.title)} (${mdText(d.severity)})${d.newFindings ? ` — ${num(d.newFindings)} new` : ''}`,
    '',
    `${mdCode(d.detectionId)} · ${num(d.findings)} findings, ${num(d.events)} events · first ${when(d.firstSeen)}, last ${when(d.lastSeen)}${d.mitre.length ? ` · MITRE ${mdText(d.mitre.join(', '))}` : ''}${d.inLibrary ? '' : ' · no longer in the detection library'}`,
    '',
  ];
  if (d.description) out.push(mdText(d.description), '');
  out.push(`**Principals:** ${d.principals.length ? d.principals.map((p) => mdCode(clip(p, 200))).join(', ') : 'none recorded'}  `);
  out.push(`**Source IPs:** ${d.sourceIps.length ? d.sourceIps.map((p) => mdCode(p)).join(', ') : 'none recorded'}`, '');
  if (d.response) out.push('**Response**', '', mdBlock(d.response), '');
  for (const f of d.items) {
    out.push(`- ${f.isNew ? '**NEW** ' : ''}${mdCode(f.cluster)}: ${mdText(clip(f.summary, 400))} (${num(f.eventCount)} events, ${when(f.firstSeen)} to ${when(f.lastSeen)}, ${mdText(f.status)})`);
    for (const s of f.samples) {
      const target = `${s.verb ?? ''} ${[s.resource, s.subresource].filter(Boolean).join('/')} ${s.namespace ? `${s.namespace}/` : ''}${s.name ?? ''}`.trim();
      out.push(`  - ${when(s.eventTime)} ${mdCode(s.auditId)} ${mdCode(s.user ?? '?')} ${mdCode(target || '?')} from ${s.sourceIps.map((ip) => mdCode(ip)).join(', ') || '?'}${s.userAgent ? ` with ${mdCode(clip(s.userAgent, 150))}` : ''}${s.responseCode ? ` → ${s.responseCode}` : ''}`);
    }
    if (f.auditIds.length > f.samples.length) out.push(`  - ${num(f.auditIds.length - f.samples.length)} more audit IDs`);
  }
  if (d.omittedItems) out.push(`- ${num(d.omittedItems)} more findings (\`kubetrail sql\`: FROM findings WHERE detection_id = '${mdText(d.detectionId)}')`);
  out.push('');
  return out;
}
