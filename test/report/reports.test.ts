/**
 * Both reports in all three formats, end to end: events landed through the pipeline (with script and
 * image payloads in a user agent, a user name and an object name), coverage run, a findings table in
 * the contract's columns (the detection engine's migration is not needed to read it), reports written.
 * HTML is parsed, Markdown is rendered by a real GFM renderer and parsed, JSON is validated against the
 * published schema.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { marked } from 'marked';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFileSchema } from '../../src/config/job-file.js';
import type { LoadedJob } from '../../src/config/load.js';
import { runCoverage } from '../../src/coverage/run.js';
import { silentLogger } from '../../src/log.js';
import { prepareStagingDir } from '../../src/pipeline/lander.js';
import { pullCluster } from '../../src/pipeline/pull-cluster.js';
import type { FindingsReport, WeeklyReport } from '../../src/report/model.js';
import { writeReports } from '../../src/report/run.js';
import { filesSource } from '../../src/sources/files/files-source.js';
import { Database } from '../../src/store/database.js';
import { buildScenarios, DETECTIONS, type Built } from '../coverage/scenarios.js';
import { DAY, HOUR, traffic, writeEvents, type GenEvent } from '../coverage/traffic.js';

// Columns the detection engine fills that the findings report does not read.
const ENGINE_COLUMNS = `'test' AS title, 'g' AS group_key, min(event_time) AS period_start, 'r0' AS new_in_run, 'r0' AS updated_in_run, now() AS created_at, now() AS updated_at`;

// Both markup payloads in each of the user name, the user agent and the object name, and Markdown breakers
// (a table pipe, a code span's backticks, a line break starting a heading, a javascript: link).
const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';
const MD_BREAK = '|`x`\n# pwned [a](javascript:alert(1))';
const USER = `${IMG}${SCRIPT}u${MD_BREAK}`;
const AGENT = `${SCRIPT}${IMG}kubectl${MD_BREAK}`;
const OBJECT = `</td>${SCRIPT}${IMG}${MD_BREAK}`;
const PAYLOADS = { user: USER, agent: AGENT, object: OBJECT };
/** How a payload reads on screen: a line break in a log string is shown as a space in HTML and Markdown. */
const shown = (p: string) => p.replace(/\n/g, ' ');
const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/report-v1.schema.json', import.meta.url), 'utf8'));

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

let dir: string;
let built: Built;
let out: string;
let xssIds: string[];
const files = (kind: string) => ({
  md: readFileSync(join(out, `${kind}.md`), 'utf8'),
  html: readFileSync(join(out, `${kind}.html`), 'utf8'),
  json: JSON.parse(readFileSync(join(out, `${kind}.json`), 'utf8')) as unknown,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kt-rep-'));
  out = join(dir, 'out');
  built = await buildScenarios(dir, (s) => ['gap', 'healthy-eks', 'aks-admin-only'].includes(s.name));
  // A self-hosted cluster that is not in the job file (imported), whose log carries the payloads.
  const now = built.now;
  const attacker = { username: USER, groups: ['system:masters', 'system:authenticated'] };
  const events: GenEvent[] = [
    ...traffic({ from: new Date(now.getTime() - 2 * DAY), to: new Date(now.getTime() - 60e3) }),
    ...[1, 2, 3].map((i) => ({
      time: new Date(now.getTime() - i * HOUR - 7 * 60e3),
      verb: 'create',
      resource: 'deployments',
      apiGroup: 'apps',
      namespace: 'shop',
      name: OBJECT,
      user: attacker,
      level: 'RequestResponse' as const,
      requestObject: 'skipped-too-big-size-object',
      userAgent: AGENT,
      sourceIPs: ['198.51.100.66'],
    })),
  ];
  const file = join(dir, 'xss.jsonl');
  const ids = writeEvents(file, 'xss', events, { kind: 'raw' });
  xssIds = ids.slice(-3);
  const r = await pullCluster(built.db, { name: 'xss', provider: 'files' }, filesSource({ paths: [file], mode: 'import' }), {
    runId: 'run-xss',
    log: silentLogger(),
    stagingDir: prepareStagingDir(built.db.path),
    step: 'import',
  });
  expect(r.counts.landed).toBe(events.length);
  await runCoverage(built.db, built.job, { runId: 'cov', now, log: silentLogger(), detections: DETECTIONS });
  // A finding over the payload events, written in the findings table's contract columns (plus the engine's required ones).
  const conn = await built.db.connect();
  await conn.run(
    `INSERT INTO findings BY NAME SELECT 'workloads/privileged-pod' AS detection_id, 'high' AS severity, 'xss' AS cluster, 'fp-1' AS fingerprint,
       min(event_time) AS first_seen, max(event_time) AS last_seen, count(*) AS event_count, $summary AS summary, list(audit_id ORDER BY event_time) AS audit_ids,
       'open' AS status, ${ENGINE_COLUMNS}
     FROM audit_events WHERE cluster = 'xss' AND list_contains(CAST($ids AS VARCHAR[]), audit_id)`,
    { summary: `${USER} created deployment shop/${OBJECT}`, ids: `[${xssIds.join(',')}]` },
  );
  conn.closeSync();
  await writeReports(built.db, built.job, { kinds: ['weekly', 'findings'], formats: ['md', 'html', 'json'], outDir: out, now, log: silentLogger(), detections: DETECTIONS });
});

afterAll(() => {
  built?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every element and every text node of a parsed document. */
function walk(node: Node, els: Element[] = [], texts: string[] = []): { els: Element[]; text: string } {
  if ('tagName' in node) els.push(node);
  if (node.nodeName === '#text') texts.push((node as DefaultTreeAdapterMap['textNode']).value);
  if ('childNodes' in node) for (const c of node.childNodes) walk(c, els, texts);
  if (node.nodeName === 'template') walk((node as DefaultTreeAdapterMap['template']).content, els, texts);
  return { els, text: texts.join('') };
}

function assertInert(markup: string, where: string): string {
  const { els, text } = walk(parse(markup));
  const bad = els.filter((e) => ['script', 'img', 'iframe', 'object', 'embed', 'a', 'form', 'base', 'link', 'meta'].includes(e.tagName) && !(e.tagName === 'a' && e.attrs.every((a) => a.name !== 'href' || a.value.startsWith('#'))) && !(e.tagName === 'meta'));
  expect(bad.map((e) => e.tagName), `${where}: active elements`).toEqual([]);
  const handlers = els.flatMap((e) => e.attrs.filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => `${e.tagName}[${a.name}]`));
  expect(handlers, `${where}: event handler attributes`).toEqual([]);
  return text.replace(/\s+/g, ' ');
}

describe('escaping', () => {
  it('shows the payloads as text in the weekly HTML, never as markup', () => {
    const { html } = files('weekly');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    const text = assertInert(html, 'weekly.html');
    expect(text).toContain(shown(USER)); // shared-admin-identity names it
    expect(text).toContain(`deployments shop/${shown(OBJECT)} by ${shown(USER)}`); // truncated-events names the object and its author
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;u|&#96;x&#96; # pwned');
  });

  it('shows every payload as text in the findings HTML, user agent included', () => {
    const { html } = files('findings');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    const text = assertInert(html, 'findings.html');
    for (const [field, p] of Object.entries(PAYLOADS)) expect(text, field).toContain(shown(p));
    // attributes too: the payload never closes a quoted attribute
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;kubectl');
  });

  it('keeps the Markdown inert under a GFM renderer that passes raw HTML through', () => {
    for (const kind of ['weekly', 'findings']) {
      const { md } = files(kind);
      const rendered = marked.parse(md, { gfm: true, async: false });
      const text = assertInert(rendered, `${kind}.md`);
      expect(text).toContain(shown(USER));
      expect(text).toContain(shown(OBJECT));
      if (kind === 'findings') expect(text).toContain(shown(AGENT));
      const { els } = walk(parse(rendered));
      // the line break did not start a heading, and the link syntax made no link (assertInert: no <a href>)
      expect(els.filter((e) => /^h[1-6]$/.test(e.tagName)).map((e) => walk(e).text).filter((t) => t.includes('pwned'))).toEqual([]);
      expect(md).not.toMatch(/^# pwned/m);
      // the payload's pipe did not split a table cell: the whole object name is inside one cell
      if (kind === 'weekly') {
        const cells = els.filter((e) => e.tagName === 'td').map((e) => walk(e).text);
        expect(cells.some((t) => t.includes(`deployments shop/${shown(OBJECT)} by ${shown(USER)}`))).toBe(true);
      }
      if (kind === 'findings') {
        // backticks did not close a code span early: user name, user agent and object are each one code span
        const codes = els.filter((e) => e.tagName === 'code').map((e) => walk(e).text);
        expect(codes).toContain(shown(USER));
        expect(codes).toContain(shown(AGENT));
        expect(codes).toContain(`create deployments shop/${shown(OBJECT)}`);
        // and a sample stays one list item, from its audit ID to its user agent
        const items = els.filter((e) => e.tagName === 'li').map((e) => walk(e).text);
        const shownIds = (files('findings').json as FindingsReport).detections[0]!.items[0]!.samples.slice(0, 2).map((x) => x.auditId);
        expect(shownIds).toHaveLength(2);
        for (const id of shownIds) expect(items.some((t) => t.includes(id) && t.includes(shown(USER)) && t.includes(shown(AGENT)) && t.includes(shown(OBJECT)))).toBe(true);
      }
    }
  });

  it('keeps the data exact in JSON and writes no raw angle bracket', () => {
    for (const kind of ['weekly', 'findings']) expect(readFileSync(join(out, `${kind}.json`), 'utf8')).not.toMatch(/[<>]/);
    const f = files('findings').json as FindingsReport;
    const item = f.detections[0]!.items[0]!;
    expect(item.principals).toEqual([USER]);
    expect(item.userAgents).toEqual([AGENT]);
    expect(item.summary).toBe(`${USER} created deployment shop/${OBJECT}`);
    expect(item.samples.map((s) => [s.user, s.userAgent, s.name])).toEqual([1, 2, 3].map(() => [USER, AGENT, OBJECT]));
    expect(item.samples.map((s) => s.auditId)).toEqual(xssIds.slice().reverse());
    const w = files('weekly').json as WeeklyReport;
    const reasons = w.clusters.find((c) => c.cluster === 'xss')!.checks.map((c) => c.reason);
    expect(reasons.some((r) => r.includes(`deployments shop/${OBJECT} by ${USER}`))).toBe(true);
  });
});

describe('JSON schema', () => {
  it('validates both reports against docs/report-v1.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(SCHEMA);
    for (const kind of ['weekly', 'findings']) {
      const ok = validate(files(kind).json);
      expect(validate.errors ?? [], kind).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('rejects a report that breaks the schema', () => {
    const validate = new Ajv2020({ strict: false }).compile(SCHEMA);
    const w = structuredClone(files('weekly').json) as WeeklyReport;
    (w.clusters[0]!.heatmap[0]!.hours as unknown[]).pop();
    expect(validate(w)).toBe(false);
  });
});

describe('weekly report content', () => {
  it('marks exactly the three empty hours of the hole, in every format', () => {
    const hole = [0, 1, 2].map((i) => new Date(built.holeStart + i * HOUR));
    const want = hole.map((d) => `${d.toISOString().slice(0, 10)}T${d.getUTCHours()}`).sort();
    const w = files('weekly').json as WeeklyReport;
    const gap = w.clusters.find((c) => c.cluster === 'gap')!;
    const jsonHoles = gap.heatmap.flatMap((r) => r.hours.map((c, h) => (c.state === 'hole' ? `${r.day}T${h}` : null))).filter(Boolean);
    expect(jsonHoles.sort()).toEqual(want);
    expect(w.clusters.find((c) => c.cluster === 'healthy-eks')!.heatmap.flatMap((r) => r.hours).some((c) => c.state === 'hole')).toBe(false);

    const { els } = walk(parse(files('weekly').html));
    const attr = (e: Element, n: string) => e.attrs.find((a) => a.name === n)?.value;
    const section = els.find((e) => e.tagName === 'section' && attr(e, 'id') === 'cluster-gap')!;
    const cells = walk(section).els.filter((e) => attr(e, 'data-state') === 'hole');
    expect(cells.map((e) => `${attr(e, 'data-day')}T${attr(e, 'data-hour')}`).sort()).toEqual(want);

    const md = files('weekly').md;
    const day = hole[0]!.toISOString().slice(0, 10);
    const line = md.split('\n').find((l) => l.startsWith(`${day} `) && l.includes('X'))!;
    expect(line.slice(11 + hole[0]!.getUTCHours(), 11 + hole[0]!.getUTCHours() + 3)).toBe('XXX');
    expect(line.split('X').length - 1).toBe(3);
  });

  it('lists clusters worst first and carries the coverage reasons and remediation', () => {
    const w = files('weekly').json as WeeklyReport;
    expect(w.fleet.rows.map((r) => r.cluster)).toEqual(['aks-admin-only', 'xss', 'gap', 'healthy-eks']);
    const aks = w.clusters[0]!;
    expect(aks.checks.find((c) => c.checkId === 'reads-collected')!.status).toBe('alarm');
    expect(aks.remediation.map((r) => r.checkId)).toEqual(['reads-collected', 'reads-observed', 'blind-detections']);
    expect(aks.access.reads).toBe(0);
    expect(aks.blindDetections.map((b) => b.id)).toEqual(['credentials/secret-read-by-unusual-client']);
    expect(aks.posture.find((p) => p.fact === 'diagnostic_categories')!.value).toEqual(['kube-audit-admin', 'guard']);
    const md = files('weekly').md;
    expect(md).toContain('az monitor diagnostic-settings create --name <existing-setting-name>');
  });

  it('counts events per day from the landed data', () => {
    const w = files('weekly').json as WeeklyReport;
    const gap = w.clusters.find((c) => c.cluster === 'gap')!;
    const generated = built.scenarios.find((s) => s.name === 'gap')!.events.filter((e) => e.time.getTime() >= Date.parse(w.period.start) && e.time.getTime() <= Date.parse(w.period.end));
    expect(gap.eventsPerDay.reduce((n, d) => n + d.events, 0)).toBe(generated.length);
    expect(gap.events).toBe(generated.length);
  });
});

describe('findings report', () => {
  it('marks what is new since the previous findings report', async () => {
    const first = files('findings').json as FindingsReport;
    expect(first.previousReport).toBeNull();
    expect(first.detections[0]!.items.map((i) => i.isNew)).toEqual([true]);
    expect(first.detections[0]!.title).toBe('Privileged container created');
    expect(first.detections[0]!.mitre).toEqual(['T1611']);

    const conn = await built.db.connect();
    await conn.run(
      `INSERT INTO findings BY NAME SELECT 'credentials/secret-read-by-unusual-client' AS detection_id, 'medium' AS severity, 'gap' AS cluster, 'fp-2' AS fingerprint,
         min(event_time) AS first_seen, max(event_time) AS last_seen, count(*) AS event_count, 'secret read' AS summary, list(audit_id) AS audit_ids, 'open' AS status, ${ENGINE_COLUMNS}
       FROM audit_events WHERE cluster = 'gap' AND resource = 'secrets' AND event_time > now() - INTERVAL 1 DAY`,
    );
    conn.closeSync();
    await writeReports(built.db, built.job, { kinds: ['findings'], formats: ['json', 'md'], outDir: out, now: new Date(built.now.getTime() + 1000), log: silentLogger(), detections: DETECTIONS });
    const second = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsReport;
    expect(second.previousReport?.reportId).toBe(first.reportId);
    const flags = Object.fromEntries(second.detections.flatMap((d) => d.items.map((i) => [i.fingerprint, i.isNew])));
    expect(flags).toEqual({ 'fp-1': false, 'fp-2': true });
    expect(second.totals).toMatchObject({ findings: 2, newFindings: 1 });
    expect(second.detections.map((d) => d.severity)).toEqual(['high', 'medium']);
    expect(readFileSync(join(out, 'findings.md'), 'utf8').match(/\*\*NEW\*\*/g)).toHaveLength(1);
  });

  it('compares with the previous report of the same directory, not with an ad-hoc report written elsewhere', async () => {
    const scheduled = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsReport;
    const conn = await built.db.connect();
    await conn.run(
      `INSERT INTO findings BY NAME SELECT 'workloads/exec-into-pod' AS detection_id, 'medium' AS severity, 'gap' AS cluster, 'fp-3' AS fingerprint,
         min(event_time) AS first_seen, max(event_time) AS last_seen, count(*) AS event_count, 'exec' AS summary, list(audit_id) AS audit_ids, 'open' AS status, ${ENGINE_COLUMNS}
       FROM audit_events WHERE cluster = 'gap' AND event_time > now() - INTERVAL 2 HOUR`,
    );
    conn.closeSync();
    // An analyst's ad-hoc report elsewhere lists fp-3 first: a series of its own, so everything is new there.
    const adhoc = join(dir, 'adhoc');
    await writeReports(built.db, built.job, { kinds: ['findings'], formats: ['json'], outDir: adhoc, sinceMs: DAY, now: new Date(built.now.getTime() + 2000), log: silentLogger(), detections: DETECTIONS });
    const a = JSON.parse(readFileSync(join(adhoc, 'findings.json'), 'utf8')) as FindingsReport;
    expect(a.previousReport).toBeNull();
    expect(a.detections.flatMap((d) => d.items.filter((i) => i.fingerprint === 'fp-3').map((i) => i.isNew))).toEqual([true]);
    // The next scheduled report (its directory spelled relative this time, and in other formats) still
    // compares with the previous scheduled one: fp-3 is new to it.
    await writeReports(built.db, built.job, { kinds: ['findings'], formats: ['json', 'html'], outDir: relative(process.cwd(), out), now: new Date(built.now.getTime() + 3000), log: silentLogger(), detections: DETECTIONS });
    const next = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsReport;
    expect(next.previousReport?.reportId).toBe(scheduled.reportId);
    const flags = Object.fromEntries(next.detections.flatMap((d) => d.items.map((i) => [i.fingerprint, i.isNew])));
    expect(flags).toEqual({ 'fp-1': false, 'fp-2': false, 'fp-3': true });
    expect(next.totals.newFindings).toBe(1);
  });
});

describe('an empty database', () => {
  it('writes valid reports that say what to run first', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kt-rep-empty-'));
    try {
      const db = await Database.open(join(d, 'k.duckdb'));
      const job: LoadedJob = { path: join(d, 'job.yaml'), job: jobFileSchema.parse({ database: 'k.duckdb', clusters: [{ name: 'onprem', provider: 'files', paths: ['/nowhere'] }] }), resolvePath: (p) => p };
      const paths = await writeReports(db, job, { kinds: ['weekly', 'findings'], formats: ['md', 'html', 'json'], outDir: join(d, 'out'), now: new Date(), log: silentLogger(), detections: DETECTIONS });
      db.close();
      expect(paths).toHaveLength(6);
      const validate = new Ajv2020({ strict: false }).compile(SCHEMA);
      const weekly = JSON.parse(readFileSync(join(d, 'out', 'weekly.json'), 'utf8')) as WeeklyReport;
      const findings = JSON.parse(readFileSync(join(d, 'out', 'findings.json'), 'utf8')) as FindingsReport;
      expect(validate(weekly)).toBe(true);
      expect(validate(findings)).toBe(true);
      expect(weekly.clusters.map((c) => [c.cluster, c.checks.length])).toEqual([['onprem', 0]]);
      expect(findings.available).toBe(true); // the migrations create the table; nothing was detected yet
      expect(findings.detections).toEqual([]);
      expect(readFileSync(join(d, 'out', 'weekly.md'), 'utf8')).toContain('No coverage results yet');
      expect(readFileSync(join(d, 'out', 'findings.html'), 'utf8')).toContain('No findings in the period.');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
