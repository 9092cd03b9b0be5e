/** The weekly coverage report as HTML: fleet at a glance, then one section per cluster, worst first. */
import { clip, html, htmlLines, slug, type SafeHtml } from '../escape.js';
import { count, factValue, num, pct, seconds, STATUS_MARK, when } from '../format.js';
import type { ClusterSection, Status, WeeklyReport } from '../model.js';
import { dayBars, heatMap, meter } from './charts.js';

const badge = (s: Status | null) => (s ? html`<span class="badge s-${s}">${s}</span>` : html`<span class="badge s-none">not run</span>`);

export function weeklyHtml(r: WeeklyReport): SafeHtml {
  const titles = new Map(r.checks.map((c) => [c.id, c.title]));
  return html`<header>
<h1>kubetrail — weekly coverage report</h1>
<p class="meta">${when(r.period.start)} to ${when(r.period.end)} · generated ${when(r.generatedAt)} · kubetrail ${r.tool.version} · ${num(r.fleet.clusters)} clusters · <strong>${count(r.fleet.alarms, 'alarm')}</strong>, ${num(r.fleet.unknown)} unknown</p>
</header>
${fleet(r)}
${r.clusters.map((c) => cluster(c, titles))}
<h2 id="checks">What the checks mean</h2>
<table><thead><tr><th>Check</th><th>Kind</th><th>Meaning</th></tr></thead><tbody>
${r.checks.map((c) => html`<tr><td><strong>${c.title}</strong><br><code>${c.id}</code></td><td>${c.kind}</td><td>${c.means}</td></tr>`)}
</tbody></table>`;
}

function fleet(r: WeeklyReport): SafeHtml {
  if (!r.fleet.rows.length) return html`<h2>Fleet</h2><p>No clusters: the job file lists none and nothing has been landed.</p>`;
  const noResults = r.clusters.every((c) => !c.checks.length);
  return html`<h2 id="fleet">Fleet</h2>
${noResults ? html`<p><strong>No coverage results yet:</strong> run <code>kubetrail coverage</code> (or <code>kubetrail run</code>) first.</p>` : html``}
<table class="fleet"><thead><tr><th>Cluster</th><th>Provider</th><th class="num">Alarms</th><th class="num">Unknown</th>
${r.checks.map((c) => html`<th class="rot" title="${c.title}">${c.label}</th>`)}</tr></thead>
<tbody>
${r.fleet.rows.map(
  (row) => html`<tr><td><a href="#cluster-${slug(row.cluster)}"><code>${row.cluster}</code></a></td><td>${row.provider}</td><td class="num">${num(row.alarms)}</td><td class="num">${num(row.unknown)}</td>
${r.checks.map((c) => {
  const s = row.statuses[c.id] ?? null;
  return html`<td class="st s-${s ?? 'none'}" title="${c.title}: ${s ?? 'not run'}">${s ? STATUS_MARK[s] : '–'}</td>`;
})}</tr>`,
)}
<tr><th colspan="4">Clusters in alarm</th>${r.fleet.byCheck.map((b) => html`<td class="num">${b.alarm ? num(b.alarm) : ''}</td>`)}</tr>
</tbody></table>
<p class="legend">✗ alarm · ? unknown (could not be checked) · i info (not applicable or nothing to judge) · ✓ ok</p>
<nav class="toc">${r.clusters.map((c) => html`<div><a href="#cluster-${slug(c.cluster)}">${c.cluster}</a> <span class="muted">(${count(c.counts.alarm, 'alarm')})</span></div>`)}</nav>`;
}

function cluster(c: ClusterSection, titles: Map<string, string>): SafeHtml {
  const labels = Object.entries(c.labels);
  return html`<section class="cluster" id="cluster-${slug(c.cluster)}">
<h2>${c.cluster} <span class="muted">(${c.provider})</span></h2>
<p class="meta">${count(c.counts.alarm, 'alarm')}, ${num(c.counts.unknown)} unknown, ${num(c.counts.info)} info, ${num(c.counts.ok)} ok · checked ${when(c.checkedAt)} · ${num(c.events)} events in the period${labels.length ? html` · ${labels.map(([k, v], i) => html`${i ? ', ' : ''}<code>${k}=${v}</code>`)}` : html``}</p>
<h3>Checks</h3>
${c.checks.length
  ? html`<table><thead><tr><th>Status</th><th>Check</th><th>Why</th></tr></thead><tbody>
${c.checks.map((k) => html`<tr><td>${badge(k.status)}</td><td>${titles.get(k.checkId) ?? k.checkId}</td><td>${clip(k.reason, 1200)}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">No coverage results for this cluster yet (run <code>kubetrail coverage</code>).</p>`}
<h3>Posture</h3>
${c.posture.length
  ? html`<table><thead><tr><th>Fact</th><th>Value</th><th>Read</th></tr></thead><tbody>
${c.posture.map((p) => html`<tr><td><code>${p.fact}</code></td><td>${p.status === 'known' ? html`<code>${clip(factValue(p.value), 400)}</code>` : html`<span class="badge s-unknown">unknown</span> ${p.reason ?? ''}`}</td><td>${when(p.observedAt)}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">${c.provider === 'files' ? 'Self-hosted cluster: no provider settings to read.' : 'No posture has been read for this cluster.'}</p>`}
<h3>Events per day</h3>
${dayBars(c.eventsPerDay)}
<h3>Events per hour (UTC)</h3>
${heatMap(c.heatmap)}
<div class="grid">
<div><h3>Ingestion lag</h3>${c.lag
    ? html`<table><tbody><tr><th>median</th><td class="num">${seconds(c.lag.p50Seconds)}</td></tr><tr><th>95th percentile</th><td class="num">${seconds(c.lag.p95Seconds)}</td></tr><tr><th>99th percentile</th><td class="num">${seconds(c.lag.p99Seconds)}</td></tr><tr><th>slowest</th><td class="num">${seconds(c.lag.maxSeconds)}</td></tr><tr><th>events</th><td class="num">${num(c.lag.events)}</td></tr></tbody></table>`
    : html`<p class="muted">No provider ingestion time in these records.</p>`}</div>
<div><h3>Audit levels</h3>${c.levels.length
    ? html`<table><thead><tr><th>Level</th><th class="num">Requests</th></tr></thead><tbody>${c.levels.map((l) => html`<tr><td>${l.level}</td><td class="num">${num(l.requests)}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">No requests in the period.</p>`}</div>
<div><h3>Reads and bodies</h3><table><tbody>
<tr><th>get / list</th><td class="num">${num(c.access.reads)} of ${num(c.access.requests)}</td><td>${pct(c.access.readShare)}${meter(c.access.readShare, 'share of reads')}</td></tr>
<tr><th>watch</th><td class="num">${num(c.access.watches)}</td><td></td></tr>
<tr><th>writes with request body</th><td class="num">${num(c.access.withRequestBody)} of ${num(c.access.bodyWrites)}</td><td>${pct(c.access.requestBodyShare)}${meter(c.access.requestBodyShare, 'share of writes with a request body')}</td></tr>
<tr><th>writes with response body</th><td class="num">${num(c.access.withResponseBody)} of ${num(c.access.bodyWrites)}</td><td>${pct(c.access.responseBodyShare)}${meter(c.access.responseBodyShare, 'share of writes with a response body')}</td></tr>
</tbody></table></div>
</div>
<h3>Blind detections</h3>
${c.blindDetections.length
  ? html`<table><thead><tr><th>Detection</th><th>Severity</th><th>Why it cannot fire</th></tr></thead><tbody>
${c.blindDetections.map((b) => html`<tr><td>${b.title}<br><code>${b.id}</code></td><td class="sev-${b.severity}">${b.severity}</td><td>${b.missing.length ? `missing: ${b.missing.join(', ')}` : ''}${b.missing.length && b.providerLimit ? '; ' : ''}${b.providerLimit ? `${c.provider.toUpperCase()}: ${b.providerLimit}` : ''}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">None: every detection has the data it needs (or none could be judged).</p>`}
<h3>Top findings</h3>
${c.topFindings.length
  ? html`<table><thead><tr><th>Detection</th><th>Severity</th><th class="num">Findings</th><th class="num">Events</th><th>Last seen</th><th>Latest</th></tr></thead><tbody>
${c.topFindings.map((f) => html`<tr><td>${f.title}<br><code>${f.detectionId}</code></td><td class="sev-${f.severity}">${f.severity}</td><td class="num">${num(f.findings)}</td><td class="num">${num(f.events)}</td><td>${when(f.lastSeen)}</td><td>${clip(f.summary, 400)}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">No findings in the period.</p>`}
<h3>Remediation</h3>
${c.remediation.length
  ? c.remediation.map((m) => html`<p>${badge(m.status)} <strong>${m.title}</strong> <code>${m.checkId}</code></p><pre>${htmlLines(m.text)}</pre>`)
  : html`<p class="muted">Nothing to change.</p>`}
</section>`;
}
