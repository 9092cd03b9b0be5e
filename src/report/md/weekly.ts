/** The weekly coverage report as Markdown: fits a ticket or a chat message (GitHub-flavoured tables). */
import { clip, mdBlock, mdCode, mdText } from '../escape.js';
import { count, factValue, num, pct, seconds, STATUS_MARK, when } from '../format.js';
import type { ClusterSection, WeeklyReport } from '../model.js';
import { HEAT_LEGEND, heatText } from './heat.js';

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
  if (!r.fleet.rows.length) out.push('No clusters: the job file lists none and nothing has been landed.', '');
  else {
    if (r.clusters.every((c) => !c.checks.length)) out.push('**No coverage results yet:** run `kubetrail coverage` (or `kubetrail run`) first.', '');
    const cols = r.checks.map((c, i) => `${i + 1}`);
    out.push(`| Cluster | Provider | Alarms | ${cols.join(' | ')} |`, `|---|---|--:|${cols.map(() => ':-:').join('|')}|`);
    for (const row of r.fleet.rows) {
      out.push(`| ${mdCode(row.cluster, { table: true })} | ${row.provider} | ${row.alarms} | ${r.checks.map((c) => { const s = row.statuses[c.id]; return s ? STATUS_MARK[s] : '–'; }).join(' | ')} |`);
    }
    out.push('', `Columns: ${r.checks.map((c, i) => `${i + 1} ${mdText(c.label)}`).join(' · ')}. ✗ alarm · ? unknown · i info · ✓ ok`, '');
  }
  for (const c of r.clusters) out.push(...cluster(c, titles));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function cluster(c: ClusterSection, titles: Map<string, string>): string[] {
  const out: string[] = [`## ${mdText(c.cluster)} (${c.provider})`, ''];
  const labels = Object.entries(c.labels).map(([k, v]) => mdCode(`${k}=${v}`)).join(' ');
  out.push(`${count(c.counts.alarm, 'alarm')}, ${num(c.counts.unknown)} unknown, ${num(c.counts.info)} info, ${num(c.counts.ok)} ok · checked ${when(c.checkedAt)} · ${num(c.events)} events in the period${labels ? ` · ${labels}` : ''}`, '');
  if (c.checks.length) {
    out.push('| | Check | Why |', '|---|---|---|');
    for (const k of c.checks) out.push(`| ${STATUS_MARK[k.status]} ${k.status} | ${mdText(titles.get(k.checkId) ?? k.checkId)} | ${mdText(clip(k.reason, 1200))} |`);
    out.push('');
  } else out.push('No coverage results for this cluster yet (run `kubetrail coverage`).', '');

  if (c.posture.length) {
    out.push('**Posture**', '', '| Fact | Value |', '|---|---|');
    for (const p of c.posture) out.push(`| ${mdCode(p.fact, { table: true })} | ${p.status === 'known' ? mdCode(clip(factValue(p.value), 300), { table: true }) : `unknown: ${mdText(p.reason ?? '')}`} |`);
    out.push('');
  }

  out.push('**Events per day**', '', '| Day | Events | |', '|---|--:|---|');
  const max = Math.max(1, ...c.eventsPerDay.map((d) => d.events));
  for (const d of c.eventsPerDay) out.push(`| ${d.day} | ${num(d.events)} | ${d.events ? '█'.repeat(Math.max(1, Math.round((d.events / max) * 20))) : '**none**'} |`);
  out.push('', '**Events per hour (UTC)**', '', mdBlock(heatText(c.heatmap)), '', HEAT_LEGEND, '');

  const lag = c.lag ? `median ${seconds(c.lag.p50Seconds)}, p95 ${seconds(c.lag.p95Seconds)}, p99 ${seconds(c.lag.p99Seconds)}, slowest ${seconds(c.lag.maxSeconds)}` : 'no provider ingestion time in these records';
  out.push(
    `**Ingestion lag:** ${lag}  `,
    `**Audit levels:** ${c.levels.length ? c.levels.map((l) => `${mdText(l.level)} ${num(l.requests)}`).join(', ') : 'no requests'}  `,
    `**Reads:** ${num(c.access.reads)} of ${num(c.access.requests)} requests get/list (${pct(c.access.readShare)}), ${num(c.access.watches)} watch  `,
    `**Bodies:** ${num(c.access.withRequestBody)} of ${num(c.access.bodyWrites)} body-carrying writes with the request (${pct(c.access.requestBodyShare)}), ${num(c.access.withResponseBody)} with the response (${pct(c.access.responseBodyShare)})`,
    '',
  );

  if (c.blindDetections.length) {
    out.push('**Blind detections**', '');
    for (const b of c.blindDetections) {
      const why = [b.missing.length ? `missing ${b.missing.join(', ')}` : '', b.providerLimit ? `${c.provider.toUpperCase()}: ${b.providerLimit}` : ''].filter(Boolean).join('; ');
      out.push(`- ${mdText(b.title)} (${mdText(b.severity)}) ${mdCode(b.id)}: ${mdText(why)}`);
    }
    out.push('');
  }
  if (c.topFindings.length) {
    out.push('**Top findings**', '', '| Detection | Severity | Findings | Last seen | Latest |', '|---|---|--:|---|---|');
    for (const f of c.topFindings) out.push(`| ${mdText(f.title)} | ${mdText(f.severity)} | ${num(f.findings)} | ${when(f.lastSeen)} | ${mdText(clip(f.summary, 300))} |`);
    out.push('');
  }
  if (c.remediation.length) {
    out.push('**Remediation**', '');
    for (const m of c.remediation) out.push(`- ${STATUS_MARK[m.status]} ${mdText(m.title)} (${mdCode(m.checkId)}):`, '', mdBlock(m.text, 'sh'), '');
  }
  return out;
}
