/**
 * The Markdown reports fit a ticket or a chat message whatever the size of the fleet or the number of
 * findings (a GitHub issue body takes 65,536 characters, a Slack message 40,000), while the HTML and JSON
 * reports keep everything. A fleet of 23 clusters (the 20 coverage scenarios plus 3 imported clusters,
 * landed through the pipeline, coverage run with the shipped detection library) and 500 findings from 30
 * library detections over the landed events, reports written by writeReports.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCoverage } from '../../src/coverage/run.js';
import { library } from '../../src/detect/library.js';
import { silentLogger } from '../../src/log.js';
import { prepareStagingDir } from '../../src/pipeline/lander.js';
import { pullCluster } from '../../src/pipeline/pull-cluster.js';
import { plainRows } from '../../src/queries/plain-rows.js';
import { mdText } from '../../src/report/escape.js';
import type { FindingsReport, WeeklyReport } from '../../src/report/model.js';
import { writeReports } from '../../src/report/run.js';
import { filesSource } from '../../src/sources/files/files-source.js';
import { buildScenarios, type Built } from '../coverage/scenarios.js';
import { DAY, HOUR, traffic, writeEvents } from '../coverage/traffic.js';

const LIMIT = 40_000;
const FINDINGS = 500;
const DETECTIONS = 30;

type Element = DefaultTreeAdapterMap['element'];

let dir: string;
let built: Built;
let out: string;
const read = (name: string) => readFileSync(join(out, name), 'utf8');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kt-rep-size-'));
  out = join(dir, 'out');
  built = await buildScenarios(dir);
  const now = built.now;
  // Three imported clusters with a hole each and a shared admin identity: alarms, heat maps, remediation.
  for (let i = 0; i < 3; i++) {
    const name = `imported-${i}`;
    const holeStart = Math.floor(now.getTime() / HOUR) * HOUR - (20 + 10 * i) * HOUR;
    const file = join(dir, `${name}.jsonl`);
    writeEvents(file, name, traffic({ from: new Date(now.getTime() - 3 * DAY), to: new Date(now.getTime() - 60e3), holes: new Set([holeStart, holeStart + HOUR]), sharedAdminPerDay: 2 }), { kind: 'raw' });
    const r = await pullCluster(built.db, { name, provider: 'files' }, filesSource({ paths: [file], mode: 'import' }), { runId: `run-${name}`, log: silentLogger(), stagingDir: prepareStagingDir(built.db.path), step: 'import' });
    expect(r.status).toBe('ok');
  }
  await runCoverage(built.db, built.job, { runId: 'cov', now, log: silentLogger(), detections: library() });

  // 500 findings from 30 library detections, each over 8 landed events of its cluster.
  const conn = await built.db.connect();
  const events = await plainRows<{ cluster: string; ids: string[]; users: string[] }>(
    conn,
    `SELECT cluster, list(audit_id ORDER BY event_time DESC)[1:400] AS ids, list(DISTINCT user_name) AS users FROM audit_events
     WHERE event_time > CAST($since AS TIMESTAMPTZ) GROUP BY cluster ORDER BY cluster`,
    { since: new Date(now.getTime() - 2 * DAY).toISOString() },
  );
  const detections = library().slice(0, DETECTIONS);
  const rows = Array.from({ length: FINDINGS }, (_, i) => {
    const d = detections[i % DETECTIONS]!;
    const c = events[i % events.length]!;
    const ids = c.ids.slice((i * 8) % (c.ids.length - 8), ((i * 8) % (c.ids.length - 8)) + 8);
    return {
      detection_id: d.id,
      severity: d.severity,
      cluster: c.cluster,
      fingerprint: `fp-${i}`,
      summary: `${c.users[i % c.users.length]} did something that ${d.title.toLowerCase()} describes, finding ${i}, on ${c.cluster} from 203.0.113.${i % 250} with kubectl/v1.30.2 (linux/amd64)`,
      audit_ids: ids,
    };
  });
  await conn.run(
    `INSERT INTO findings BY NAME
     SELECT r.detection_id, r.severity, r.cluster, r.fingerprint, r.summary, r.audit_ids, 'open' AS status,
            min(e.event_time) AS first_seen, max(e.event_time) AS last_seen, count(*) AS event_count,
            'test' AS title, 'g' AS group_key, min(e.event_time) AS period_start, 'r0' AS new_in_run, 'r0' AS updated_in_run, now() AS created_at, now() AS updated_at
     FROM (SELECT unnest(from_json($rows, '[{"detection_id":"VARCHAR","severity":"VARCHAR","cluster":"VARCHAR","fingerprint":"VARCHAR","summary":"VARCHAR","audit_ids":["VARCHAR"]}]'), recursive := true)) r
     JOIN audit_events e ON e.cluster = r.cluster AND list_contains(r.audit_ids, e.audit_id)
     GROUP BY ALL`,
    { rows: JSON.stringify(rows) },
  );
  conn.closeSync();
  await writeReports(built.db, built.job, { kinds: ['weekly', 'findings'], formats: ['md', 'html', 'json'], outDir: out, now, log: silentLogger(), detections: library() });
}, 120_000);

afterAll(() => {
  built?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

function elements(markup: string): Element[] {
  const els: Element[] = [];
  const walk = (n: DefaultTreeAdapterMap['node']) => {
    if ('tagName' in n) els.push(n);
    if ('childNodes' in n) for (const c of n.childNodes) walk(c);
  };
  walk(parse(markup));
  return els;
}

/** The Markdown under each "## " heading. */
function sections(md: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of md.split('\n')) {
    if (line.startsWith('## ')) m.set(line, (cur = []));
    else cur?.push(line);
  }
  return m;
}

describe('findings report with 500 findings from 30 detections', () => {
  it('keeps everything in JSON and HTML', () => {
    const f = JSON.parse(read('findings.json')) as FindingsReport;
    expect(f.totals.findings).toBe(FINDINGS);
    expect(f.detections).toHaveLength(DETECTIONS);
    expect(f.detections.reduce((n, d) => n + d.items.length, 0)).toBe(FINDINGS);
    expect(f.detections.every((d) => d.items.every((i) => i.samples.length === 5))).toBe(true);
    const html = read('findings.html');
    const fps = new Set([...html.matchAll(/fingerprint <code>(fp-\d+)<\/code>/g)].map((m) => m[1]));
    expect(fps.size).toBe(FINDINGS);
  });

  it(`writes Markdown under ${LIMIT.toLocaleString('en-US')} characters that lists every detection and says where the rest is`, () => {
    const md = read('findings.md');
    const f = JSON.parse(read('findings.json')) as FindingsReport;
    expect(md.length).toBeLessThan(LIMIT);
    // the summary table names every detection with its count
    const cells = elements(marked.parse(md, { gfm: true, async: false }))
      .filter((e) => e.tagName === 'tr')
      .map((tr) => tr.childNodes.filter((c): c is Element => 'tagName' in c).map((td) => td.childNodes.map((t) => ('value' in t ? t.value : '')).join('')));
    for (const d of f.detections) expect(cells.some((row) => row[0] === d.title && row[2] === String(d.findings)), d.detectionId).toBe(true);
    // the most severe detections have their evidence, capped: at most 5 findings with 2 samples each
    const secs = sections(md);
    const first = [...secs.entries()].find(([h]) => h.startsWith(`## ${mdText(f.detections[0]!.title)} `))![1];
    const items = first.filter((l) => /^- (\*\*NEW\*\* )?`/.test(l));
    expect(items).toHaveLength(5);
    expect(first.filter((l) => /^ {2}- \d{4}-\d\d-\d\d /.test(l))).toHaveLength(10);
    expect(first).toContain(`- ${f.detections[0]!.findings - 5} more findings: findings.html / findings.json`);
    expect(first.filter((l) => l === '  - 6 more events: findings.html / findings.json')).toHaveLength(5);
    for (const lines of secs.values()) expect(lines.filter((l) => /^- (\*\*NEW\*\* )?`/.test(l)).length).toBeLessThanOrEqual(5);
    // and whatever did not fit is pointed to
    const detailed = [...secs.values()].filter((l) => l.some((x) => x.startsWith('**Principals:**'))).length;
    expect(detailed).toBeGreaterThan(0);
    if (detailed < DETECTIONS) expect(md).toMatch(/findings\.html \/ findings\.json/);
  });
});

describe('weekly report of 23 clusters', () => {
  it('keeps every cluster section in JSON and HTML', () => {
    const w = JSON.parse(read('weekly.json')) as WeeklyReport;
    expect(w.clusters).toHaveLength(built.scenarios.length + 3);
    expect(w.clusters.length).toBeGreaterThanOrEqual(20);
    const ids = elements(read('weekly.html')).filter((e) => e.tagName === 'section').map((e) => e.attrs.find((a) => a.name === 'id')?.value);
    expect(ids.filter((id) => id?.startsWith('cluster-'))).toHaveLength(w.clusters.length);
    const html = read('weekly.html');
    for (const c of w.clusters) for (const m of c.remediation) expect(html).toContain(m.checkId);
  });

  it(`writes Markdown under ${LIMIT.toLocaleString('en-US')} characters: every cluster in the fleet table, the worst in detail`, () => {
    const md = read('weekly.md');
    const w = JSON.parse(read('weekly.json')) as WeeklyReport;
    expect(md.length).toBeLessThan(LIMIT);
    const fleet = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(fleet.map((l) => l.slice(3, l.indexOf('`', 3)))).toEqual(w.fleet.rows.map((r) => r.cluster));
    // the worst cluster has its reasons and remediation commands
    const worst = w.clusters[0]!;
    expect(worst.remediation.length).toBeGreaterThan(0);
    const secs = sections(md);
    const body = [...secs.entries()].find(([h]) => h === `## ${mdText(worst.cluster)} (${worst.provider})`)![1].join('\n');
    for (const m of worst.remediation) expect(body).toContain(m.text.split('\n')[0]!);
    for (const k of worst.checks.filter((x) => x.status === 'alarm')) expect(body).toContain(mdText(k.reason.slice(0, 40)));
    // a cluster with a hole shows it in the text heat map
    const holed = w.clusters.find((c) => c.heatmap.some((r) => r.hours.some((h) => h.state === 'hole')) && secs.has(`## ${mdText(c.cluster)} (${c.provider})`));
    if (holed) expect(secs.get(`## ${mdText(holed.cluster)} (${holed.provider})`)!.some((l) => /^\d{4}-\d\d-\d\d .*X/.test(l))).toBe(true);
    // clusters without a section of their own are named, with where to find them
    const missing = w.clusters.filter((c) => !secs.has(`## ${mdText(c.cluster)} (${c.provider})`));
    if (missing.length) expect(md).toContain(`Sections of ${missing.length} more clusters`);
  });
});
