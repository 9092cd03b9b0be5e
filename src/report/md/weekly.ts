/**
 * The weekly coverage report as Markdown, sized for a ticket or a chat message (md/budget.ts): the fleet
 * table (clusters × checks, worst first), then a compact section per cluster: what is wrong and why, the
 * heat map when the cluster has holes, the key numbers, blind detections, top findings and the remediation.
 * When the whole does not fit, the healthiest clusters are shortened to a line, then left to the fleet
 * table; each cut says that weekly.html and weekly.json have the rest.
 */
import { clip, mdBlock, mdCode, mdText } from '../escape.js';
import { count, factValue, num, pct, seconds, STATUS_MARK, when } from '../format.js';
import type { ClusterSection, WeeklyReport } from '../model.js';
import { fit, headLines, MD_BUDGET, size, some } from './budget.js';
import { HEAT_LEGEND, heatText } from './heat.js';

const ELSEWHERE = 'weekly.html / weekly.json';

export function weeklyMd(r: WeeklyReport): string {
  const titles = new Map(r.checks.map((c) => [c.id, c.title]));
  const out: string[] = [
    '# kubetrail — weekly coverage report',
    '',
    `${when(r.period.start)} to ${when(r.period.end)} · generated ${when(r.generatedAt)} · kubetrail ${r.tool.version} · ${num(r.fleet.clusters)} clusters · **${count(r.fleet.alarms, 'alarm')}**, ${num(r.fleet.unknown)} unknown`,
    '',
    '## Fleet',
    '',
  ];
  let rows = 0;
  if (!r.fleet.rows.length) out.push('No clusters: the job file lists none and nothing has been landed.', '');
  else {
    if (r.clusters.every((c) => !c.checks.length)) out.push('**No coverage results yet:** run `kubetrail coverage` (or `kubetrail run`) first.', '');
    const cols = r.checks.map((c, i) => `${i + 1}`);
    out.push(`| Cluster | Provider | Alarms | ${cols.join(' | ')} |`, `|---|---|--:|${cols.map(() => ':-:').join('|')}|`);
    // every cluster unless the table alone would take half the budget
    for (const row of r.fleet.rows) {
      const line = `| ${mdCode(clip(row.cluster, 80), { table: true })} | ${row.provider} | ${row.alarms} | ${r.checks.map((c) => { const s = row.statuses[c.id]; return s ? STATUS_MARK[s] : '–'; }).join(' | ')} |`;
      if (size(out) + line.length > MD_BUDGET / 2) break;
      out.push(line);
      rows++;
    }
    if (rows < r.fleet.rows.length) out.push('', `${num(r.fleet.rows.length - rows)} more clusters in ${ELSEWHERE}.`);
    out.push('', `Columns: ${r.checks.map((c, i) => `${i + 1} ${mdText(c.label)}`).join(' · ')}. ✗ alarm · ? unknown · i info · ✓ ok`, '');
  }
  // clusters are worst first, like the fleet rows
  const listed = r.clusters.slice(0, rows);
  const note = 300;
  const { kept, omitted } = fit(listed.map((c) => ({ full: cluster(c, titles), short: short(c, titles) })), MD_BUDGET - size(out) - note);
  for (const lines of kept) out.push(...lines);
  if (omitted) {
    const names = some(listed.slice(kept.length), 10, (c) => mdCode(clip(c.cluster, 60)), 'the fleet table');
    out.push(`Sections of ${num(omitted)} more clusters (${names}): ${ELSEWHERE}.`, '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function heading(c: ClusterSection): string[] {
  const labels = Object.entries(c.labels).map(([k, v]) => mdCode(clip(`${k}=${v}`, 80))).join(' ');
  return [
    `## ${mdText(c.cluster)} (${c.provider})`,
    '',
    `${count(c.counts.alarm, 'alarm')}, ${num(c.counts.unknown)} unknown, ${num(c.counts.info)} info, ${num(c.counts.ok)} ok · checked ${when(c.checkedAt)} · ${num(c.events)} events in the period${labels ? ` · ${labels}` : ''}`,
    '',
  ];
}

function short(c: ClusterSection, titles: Map<string, string>): string[] {
  const bad = c.checks.filter((k) => k.status === 'alarm' || k.status === 'unknown');
  const list = bad.length ? `${some(bad, 6, (k) => `${STATUS_MARK[k.status]} ${mdText(titles.get(k.checkId) ?? k.checkId)}`, ELSEWHERE)}. ` : '';
  return [...heading(c), `${list}Reasons, numbers and remediation: ${ELSEWHERE}.`, ''];
}

function cluster(c: ClusterSection, titles: Map<string, string>): string[] {
  const out = heading(c);
  const bad = c.checks.filter((k) => k.status === 'alarm' || k.status === 'unknown');
  if (!c.checks.length) out.push('No coverage results for this cluster yet (run `kubetrail coverage`).', '');
  else if (bad.length) {
    out.push('| | Check | Why |', '|---|---|---|');
    for (const k of bad) out.push(`| ${STATUS_MARK[k.status]} ${k.status} | ${mdText(titles.get(k.checkId) ?? k.checkId)} | ${mdText(clip(k.reason, 600))} |`);
    out.push('');
  }
  if (c.checks.length > bad.length) out.push(`${bad.length ? 'The other' : 'All'} ${num(c.checks.length - bad.length)} checks ok or info (${ELSEWHERE} say why).`, '');

  const unknownFacts = c.posture.filter((p) => p.status === 'unknown');
  if (c.posture.length) {
    const known = c.posture.filter((p) => p.status === 'known');
    out.push(`**Posture:** ${known.length ? some(known, 4, (p) => mdCode(clip(`${p.fact}=${factValue(p.value)}`, 100)), ELSEWHERE) : 'nothing known'}${unknownFacts.length ? `; ${num(unknownFacts.length)} unknown` : ''}`, '');
  }

  const none = c.eventsPerDay.filter((d) => !d.events).map((d) => d.day);
  out.push(`**Events per day:** ${c.eventsPerDay.map((d) => (d.events ? `${d.day.slice(5)} ${num(d.events)}` : `${d.day.slice(5)} **none**`)).join(' · ') || 'none'}${none.length ? ` (${count(none.length, 'day')} without events)` : ''}`, '');
  const holes = c.heatmap.reduce((n, h) => n + h.hours.filter((x) => x.state === 'hole').length, 0);
  if (holes) out.push(`**Events per hour (UTC):** ${count(holes, 'hour')} without events while the cluster was logging (X)`, '', mdBlock(heatText(c.heatmap)), '', HEAT_LEGEND, '');
  else out.push('**Events per hour:** no empty hour while the cluster was logging.', '');

  const lag = c.lag ? `median ${seconds(c.lag.p50Seconds)}, p95 ${seconds(c.lag.p95Seconds)}, slowest ${seconds(c.lag.maxSeconds)}` : 'no provider ingestion time';
  out.push(
    `**Lag:** ${lag} · **Levels:** ${c.levels.length ? c.levels.map((l) => `${mdText(l.level)} ${num(l.requests)}`).join(', ') : 'no requests'}  `,
    `**Reads:** ${pct(c.access.readShare)} of ${num(c.access.requests)} requests, ${num(c.access.watches)} watch · **Bodies:** request ${pct(c.access.requestBodyShare)}, response ${pct(c.access.responseBodyShare)} of ${num(c.access.bodyWrites)} writes`,
    '',
  );

  if (c.blindDetections.length) {
    out.push(`**Blind detections (${num(c.blindDetections.length)}):** ${some(c.blindDetections, 4, (b) => `${mdText(b.title)} (${mdText(b.severity)})`, ELSEWHERE)}`, '');
  }
  if (c.topFindings.length) {
    out.push('**Top findings**', '');
    for (const f of c.topFindings.slice(0, 3)) out.push(`- ${mdText(f.title)} (${mdText(f.severity)}): ${num(f.findings)}, last ${when(f.lastSeen)} — ${mdText(clip(f.summary, 200))}`);
    if (c.topFindings.length > 3) out.push(`- ${num(c.topFindings.length - 3)} more: ${ELSEWHERE}`);
    out.push('');
  }
  if (c.remediation.length) {
    out.push('**Remediation**', '');
    for (const m of c.remediation) {
      const h = headLines(m.text, 1000);
      out.push(`- ${STATUS_MARK[m.status]} ${mdText(m.title)} (${mdCode(m.checkId)}):`, '', mdBlock(h.text, 'sh'), '');
      if (h.cut) out.push(`The rest of these steps: ${ELSEWHERE}.`, '');
    }
  }
  return out;
}
