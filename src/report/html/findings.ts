/** The findings report as HTML: one section per detection, most severe first, new findings marked. */
import { clip, html, htmlLines, slug, type SafeHtml } from '../escape.js';
import { num, when } from '../format.js';
import type { DetectionSection, FindingItem, FindingsReport } from '../model.js';

export function findingsHtml(r: FindingsReport): SafeHtml {
  const sev = Object.entries(r.totals.bySeverity).map(([k, v], i) => html`${i ? ', ' : ''}<span class="sev-${k}">${num(v)} ${k}</span>`);
  return html`<header>
<h1>kubetrail — findings report</h1>
<p class="meta">${when(r.period.start)} to ${when(r.period.end)} · generated ${when(r.generatedAt)} · kubetrail ${r.tool.version} · ${r.previousReport ? html`new since the report of ${when(r.previousReport.generatedAt)}` : html`first findings report: everything is new`}</p>
</header>
${!r.available
  ? html`<p><strong>No findings table yet:</strong> run <code>kubetrail detect</code> (or <code>kubetrail run</code>) first.</p>`
  : r.detections.length === 0
    ? html`<p>No findings in the period.</p>`
    : html`<h2 id="summary">Summary</h2>
<p>${num(r.totals.findings)} findings (<strong>${num(r.totals.newFindings)} new</strong>) from ${num(r.totals.detections)} detections, ${num(r.totals.events)} events · ${sev}</p>
<table><thead><tr><th>Detection</th><th>Severity</th><th class="num">Findings</th><th class="num">New</th><th class="num">Events</th><th>First seen</th><th>Last seen</th><th>Clusters</th><th>MITRE</th></tr></thead><tbody>
${r.detections.map((d) => html`<tr><td><a href="#det-${slug(d.detectionId)}">${d.title}</a></td><td class="sev-${d.severity}">${d.severity}</td><td class="num">${num(d.findings)}</td><td class="num">${d.newFindings ? html`<span class="new">${num(d.newFindings)} new</span>` : ''}</td><td class="num">${num(d.events)}</td><td>${when(d.firstSeen)}</td><td>${when(d.lastSeen)}</td><td>${d.clusters.map((c, i) => html`${i ? ', ' : ''}<code>${c}</code>`)}</td><td>${d.mitre.join(', ')}</td></tr>`)}
</tbody></table>
${r.detections.map(detection)}`}`;
}

function detection(d: DetectionSection): SafeHtml {
  return html`<section class="detection" id="det-${slug(d.detectionId)}">
<h2>${d.title} <span class="sev-${d.severity}">(${d.severity})</span>${d.newFindings ? html` <span class="new">${num(d.newFindings)} new</span>` : html``}</h2>
<p class="meta"><code>${d.detectionId}</code> · ${num(d.findings)} findings, ${num(d.events)} events · first ${when(d.firstSeen)}, last ${when(d.lastSeen)}${d.mitre.length ? html` · MITRE ATT&amp;CK ${d.mitre.join(', ')}` : html``}${d.inLibrary ? html`` : html` · no longer in the detection library`}</p>
${d.description ? html`<p>${d.description}</p>` : html``}
<div class="grid">
<div><h3>Principals</h3>${list(d.principals)}</div>
<div><h3>Source IPs</h3>${list(d.sourceIps)}</div>
</div>
${d.response ? html`<h3>Response</h3><pre>${htmlLines(d.response)}</pre>` : html``}
<h3>Findings</h3>
${d.items.map(item)}
${d.omittedItems ? html`<p class="muted">${num(d.omittedItems)} more findings of this detection are not listed here (kubetrail sql: FROM findings WHERE detection_id = '${d.detectionId}').</p>` : html``}
</section>`;
}

function item(f: FindingItem): SafeHtml {
  return html`<h4>${f.isNew ? html`<span class="new">NEW</span> ` : html``}<code>${f.cluster}</code> · ${clip(f.summary, 500)}</h4>
<p class="meta">${num(f.eventCount)} events · ${when(f.firstSeen)} to ${when(f.lastSeen)} · status ${f.status} · fingerprint <code>${f.fingerprint}</code>${f.userAgents.length ? html` · clients ${f.userAgents.map((u, i) => html`${i ? ', ' : ''}<code>${clip(u, 160)}</code>`)}` : html``}</p>
${f.samples.length
  ? html`<table><thead><tr><th>Time</th><th>Audit ID</th><th>User</th><th>Request</th><th>Source</th><th class="num">Code</th></tr></thead><tbody>
${f.samples.map((s) => html`<tr><td>${when(s.eventTime)}</td><td><code>${s.auditId}</code></td><td><code>${s.user ?? ''}</code></td><td><code>${s.verb ?? ''} ${[s.resource, s.subresource].filter(Boolean).join('/')} ${s.namespace ? `${s.namespace}/` : ''}${s.name ?? ''}</code>${s.requestUri ? html`<br><code class="muted">${clip(s.requestUri, 300)}</code>` : html``}</td><td>${s.sourceIps.map((ip, i) => html`${i ? ', ' : ''}<code>${ip}</code>`)}${s.userAgent ? html`<br><code class="muted">${clip(s.userAgent, 200)}</code>` : html``}</td><td class="num">${s.responseCode ?? ''}</td></tr>`)}
</tbody></table>${f.auditIds.length > f.samples.length ? html`<p class="muted">${num(f.auditIds.length - f.samples.length)} more audit IDs: ${clip(f.auditIds.slice(f.samples.length, f.samples.length + 20).join(', '), 1500)}</p>` : html``}`
  : html`<p class="muted">Audit IDs: ${clip(f.auditIds.join(', '), 1500) || 'none recorded'}</p>`}`;
}

function list(items: string[]): SafeHtml {
  return items.length ? html`<ul class="tight">${items.map((x) => html`<li><code>${clip(x, 200)}</code></li>`)}</ul>` : html`<p class="muted">none recorded</p>`;
}
