/**
 * The demo dataset end to end: generate it into a temp dir, import each cluster's files through the real
 * pipeline (pullCluster + filesSource) into a real DuckDB, and check from the database what the demo
 * promises: everything lands, the gaps are there, the attack story of src/demo/STORY.md is there
 * request by request, and the Secret value the on-prem CI job wrote never reaches the database.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, type DemoResult } from '../../src/demo/demo.js';
import { ONPREM_SECRET_VALUE } from '../../src/demo/provider-traffic.js';
import { renderStory } from '../../src/demo/story-md.js';
import { DEFAULT_END } from '../../src/demo/timeline.js';
import { loadJobFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { pullCluster, type ClusterResult } from '../../src/pipeline/pull-cluster.js';
import { filesSource } from '../../src/sources/files/files-source.js';
import { Database } from '../../src/store/database.js';

const ROOT = resolve(import.meta.dirname, '../..');
const STORY = join(ROOT, 'src/demo/STORY.md');
const CLUSTERS = ['demo-eks', 'demo-gke', 'demo-aks', 'demo-onprem'];

interface StoryRow {
  step: number;
  time: string;
  cluster: string;
  principal: string;
  ip: string;
  verb: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  code: number;
  auditId: string;
}

/** The request table of STORY.md (the document the lead and the reports are checked against). */
function storyRows(md: string): StoryRow[] {
  return md
    .split('\n')
    .filter((l) => /^\| \d+ \| /.test(l))
    .map((l) => {
      const c = l.slice(2, -2).split(' | ');
      expect(c, l).toHaveLength(12);
      return { step: Number(c[0]), time: c[1]!, cluster: c[2]!, principal: c[3]!, ip: c[4]!, verb: c[5]!, resource: c[6]!, subresource: c[7]!, namespace: c[8]!, name: c[9]!, code: Number(c[10]), auditId: c[11]! };
    });
}

const hashes = (root: string) =>
  Object.fromEntries(filesUnder(root).map((f) => [relative(root, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** Records in a file, counted by reading it: lines, array items, `events`, or `records` of each line. */
function countRecords(path: string): number {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return (JSON.parse(text) as unknown[]).length;
  if (trimmed.startsWith('{\n')) return (JSON.parse(text) as { events: unknown[] }).events.length;
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .reduce((n, l) => n + ((JSON.parse(l) as { records?: unknown[] }).records?.length ?? 1), 0);
}

describe('demo dataset imported through the pipeline', () => {
  let dir: string;
  let db: Database;
  let generated: DemoResult;
  const results = new Map<string, ClusterResult>();

  const query = async (sql: string, params: unknown[] = []) => {
    const conn = await db.connect();
    try {
      return (await conn.runAndReadAll(sql, params as never)).getRowObjectsJson();
    } finally {
      conn.closeSync();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubetrail-demo-'));
    generated = generateDemo({ out: join(dir, 'input'), end: new Date(DEFAULT_END) });
    mkdirSync(join(dir, 'staging'));
    db = await Database.open(join(dir, 'demo.duckdb'));
    // the clusters of jobs/demo.yaml, recorded as pull.ts records them, reading the temp copy of the data
    for (const cluster of loadJobFile(join(ROOT, 'jobs/demo.yaml'), {}).job.clusters) {
      const recordedAs = { name: cluster.name, provider: cluster.provider === 'files' && cluster.origin ? cluster.origin : cluster.provider };
      const source = filesSource({ paths: [join(dir, 'input', cluster.name)], mode: 'import' });
      results.set(cluster.name, await pullCluster(db, recordedAs, source, { runId: 'demo-test', log: silentLogger(), stagingDir: join(dir, 'staging'), step: 'import' }));
    }
  }, 300_000);

  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lands every record of every cluster, quarantines nothing, and reads each envelope it should', async () => {
    const expectedEnvelopes: Record<string, string[]> = {
      'demo-eks': ['cloudwatch-event'],
      'demo-gke': ['gke-logentry'],
      'demo-aks': ['aks-table', 'azure-diagnostic'],
      'demo-onprem': ['raw-event'],
    };
    for (const name of CLUSTERS) {
      const r = results.get(name)!;
      expect(r.status, `${name}: ${r.error}`).toBe('ok');
      const inFiles = filesUnder(join(dir, 'input', name)).reduce((n, f) => n + countRecords(f), 0);
      expect(inFiles, name).toBeGreaterThan(10_000);
      expect(r.counts.records, name).toBe(inFiles);
      expect(r.counts.quarantined, name).toBe(0);
      expect(r.counts.duplicates, name).toBe(0);
      const rows = await query(`SELECT envelope, provider, count(*) AS n FROM audit_events WHERE cluster = $1 GROUP BY ALL ORDER BY envelope`, [name]);
      expect(new Set(rows.map((x) => x.provider)), name).toEqual(new Set([{ 'demo-eks': 'eks', 'demo-gke': 'gke', 'demo-aks': 'aks', 'demo-onprem': 'files' }[name]]));
      expect(rows.map((x) => x.envelope), name).toEqual(expectedEnvelopes[name]);
      expect(rows.reduce((n, x) => n + Number(x.n), 0), name).toBe(inFiles);
    }
    expect(await query(`SELECT * FROM quarantine`)).toEqual([]);
    expect(readdirSync(join(dir, 'staging'))).toEqual([]);
  });

  it('has a silent stretch of 3.5 hours on demo-onprem on Wednesday while the other clusters are busy', async () => {
    const inHole = await query(
      `SELECT cluster, count(*) AS n FROM audit_events
       WHERE event_time >= TIMESTAMPTZ '2026-11-11 13:12:08+00' AND event_time < TIMESTAMPTZ '2026-11-11 16:47:30+00' GROUP BY cluster ORDER BY cluster`,
    );
    expect(inHole.map((r) => r.cluster)).toEqual(['demo-aks', 'demo-eks', 'demo-gke']);
    for (const r of inHole) expect(Number(r.n), String(r.cluster)).toBeGreaterThan(200);
    const around = await query(
      `SELECT count(*) FILTER (WHERE event_time BETWEEN TIMESTAMPTZ '2026-11-11 12:12:00+00' AND TIMESTAMPTZ '2026-11-11 13:12:07+00') AS before,
              count(*) FILTER (WHERE event_time BETWEEN TIMESTAMPTZ '2026-11-11 16:47:30+00' AND TIMESTAMPTZ '2026-11-11 17:47:30+00') AS after
       FROM audit_events WHERE cluster = 'demo-onprem'`,
    );
    expect(Number(around[0]!.before)).toBeGreaterThan(50);
    expect(Number(around[0]!.after)).toBeGreaterThan(50);
  });

  it('keeps demo-aks admin-only: no get or list at all, writes and watches with their ingestion time', async () => {
    const verbs = await query(`SELECT verb, count(*) AS n, count(ingested_at) AS ingested FROM audit_events WHERE cluster = 'demo-aks' GROUP BY verb ORDER BY verb`);
    const names = verbs.map((v) => v.verb);
    expect(names).not.toContain('get');
    expect(names).not.toContain('list');
    expect(names).toEqual(expect.arrayContaining(['create', 'delete', 'patch', 'update', 'watch']));
    // the other clusters do log reads
    for (const c of ['demo-eks', 'demo-onprem']) {
      const reads = await query(`SELECT count(*) AS n FROM audit_events WHERE cluster = $1 AND verb IN ('get', 'list')`, [c]);
      expect(Number(reads[0]!.n), c).toBeGreaterThan(1000);
    }
    // AKSAuditAdmin rows (from Wednesday) carry IngestionTime; Event Hub records (Monday, Tuesday) have none
    const ingested = await query(
      `SELECT envelope, count(*) AS n, count(ingested_at) AS ingested, count(*) FILTER (WHERE body_truncated) AS truncated,
              min(epoch(ingested_at) - epoch(event_time)) AS min_lag, max(epoch(ingested_at) - epoch(event_time)) AS max_lag
       FROM audit_events WHERE cluster = 'demo-aks' GROUP BY envelope ORDER BY envelope`,
    );
    expect(ingested[0]!.envelope).toBe('aks-table');
    expect(Number(ingested[0]!.ingested)).toBe(Number(ingested[0]!.n));
    expect(Number(ingested[0]!.min_lag)).toBeGreaterThan(0);
    expect(Number(ingested[0]!.max_lag)).toBeLessThanOrEqual(601);
    expect(Number(ingested[0]!.truncated)).toBe(6); // the six cert-manager CRDs of Thursday's helm upgrade
    expect(ingested[1]).toMatchObject({ envelope: 'azure-diagnostic', ingested: '0' });
  });

  it('shows GKE reads only after Data Access was turned on, and a slow day of EKS deliveries', async () => {
    const gke = await query(
      `SELECT count(*) FILTER (WHERE event_time < TIMESTAMPTZ '2026-11-13 09:30:00+00') AS before, count(*) FILTER (WHERE event_time >= TIMESTAMPTZ '2026-11-13 09:30:00+00') AS after
       FROM audit_events WHERE cluster = 'demo-gke' AND verb IN ('get', 'list', 'watch')`,
    );
    expect(gke[0]).toMatchObject({ before: '0' });
    expect(Number(gke[0]!.after)).toBeGreaterThan(1000);
    const writesBefore = await query(`SELECT count(*) AS n FROM audit_events WHERE cluster = 'demo-gke' AND event_time < TIMESTAMPTZ '2026-11-13 09:30:00+00' AND verb IN ('create', 'patch', 'delete')`);
    expect(Number(writesBefore[0]!.n)).toBeGreaterThan(500);

    const lag = await query(
      `SELECT event_time >= TIMESTAMPTZ '2026-11-10 08:00:00+00' AND event_time < TIMESTAMPTZ '2026-11-10 20:00:00+00' AS slow,
              quantile_cont(epoch(ingested_at) - epoch(event_time), 0.5) AS p50
       FROM audit_events WHERE cluster = 'demo-eks' GROUP BY ALL ORDER BY slow`,
    );
    expect(lag.map((l) => l.slow)).toEqual([false, true]);
    expect(Number(lag[0]!.p50)).toBeLessThan(60);
    expect(Number(lag[1]!.p50)).toBeGreaterThan(300);
  });

  it('holds every request of the attack story in STORY.md with its verb, resource, user, address and outcome', async () => {
    const rows = storyRows(readFileSync(STORY, 'utf8'));
    expect(rows.length).toBeGreaterThan(30);
    expect(new Set(rows.map((r) => r.step))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    const ids = rows.map((r) => r.auditId);
    const landed = await query(
      `SELECT cluster, audit_id, stage, verb, request_uri, user_name, source_ips, resource, subresource, namespace, name, response_code, decision, epoch_ms(request_received_at) AS received_ms
       FROM audit_events WHERE list_contains(string_split($1, ','), audit_id) ORDER BY audit_id, stage`,
      [ids.join(',')],
    );
    for (const row of rows) {
      const events = landed.filter((e) => e.audit_id === row.auditId);
      expect(events.length, `${row.auditId} (step ${row.step}) is in the database`).toBeGreaterThan(0);
      const done = events.find((e) => e.stage === 'ResponseComplete')!;
      expect(done, row.auditId).toBeDefined();
      expect(done.cluster).toBe(row.cluster);
      expect(done.verb).toBe(row.verb);
      expect(done.user_name).toBe(row.principal);
      expect(done.source_ips).toEqual([row.ip]);
      expect(done.response_code).toBe(row.code);
      expect(done.decision).toBe(row.code === 403 ? 'forbid' : 'allow');
      expect(Number(done.received_ms)).toBe(Date.parse(row.time.replace(' ', 'T')));
      if (row.resource.startsWith('(non-resource ')) {
        expect(done.resource).toBeNull();
        expect(done.request_uri).toBe(row.resource.slice('(non-resource '.length, -1));
      } else {
        expect(done.resource).toBe(row.resource);
        expect(done.subresource ?? '').toBe(row.subresource);
        expect(done.namespace ?? '').toBe(row.namespace);
        expect(done.name ?? '').toBe(row.name);
      }
    }
    // the steps the detections are built for, spelled out
    const byId = (i: number) => landed.find((e) => e.audit_id === rows[i]!.auditId && e.stage === 'ResponseComplete')!;
    const wsExec = rows.findIndex((r) => r.step === 3 && r.verb === 'get');
    expect(byId(wsExec)).toMatchObject({ resource: 'pods', subresource: 'exec' });
    expect(String(byId(wsExec).request_uri)).toMatch(/\/exec\?command=sh&/);
    expect(landed.filter((e) => e.audit_id === rows[wsExec]!.auditId).map((e) => e.stage)).toEqual(['ResponseComplete', 'ResponseStarted']);
    const spdy = rows.findIndex((r) => r.step === 3 && r.verb === 'create');
    expect(byId(spdy)).toMatchObject({ resource: 'pods', subresource: 'exec', response_code: 101 });
    const dump = rows.find((r) => r.step === 4 && r.verb === 'list')!;
    expect(landed.find((e) => e.audit_id === dump.auditId)).toMatchObject({ request_uri: '/api/v1/secrets?limit=500', namespace: null });
    expect(rows.filter((r) => r.step === 4 && r.verb === 'get').length).toBeGreaterThanOrEqual(15);
    const nodeShellExec = rows.find((r) => r.step === 5 && r.subresource === 'exec')!;
    expect(landed.filter((e) => e.audit_id === nodeShellExec.auditId).map((e) => e.stage).sort()).toEqual(['RequestReceived', 'ResponseComplete', 'ResponseStarted']);
  });

  it('lands the attack bodies a detection needs: privileged hostPID pod with hostPath / and the cluster-admin binding', async () => {
    const rows = storyRows(readFileSync(STORY, 'utf8'));
    const podRow = rows.find((r) => r.step === 5 && r.resource === 'pods' && r.verb === 'create')!;
    const crbRow = rows.find((r) => r.step === 6 && r.resource === 'clusterrolebindings')!;
    const [pod] = await query(`SELECT request_object FROM audit_events WHERE audit_id = $1 AND stage = 'ResponseComplete'`, [podRow.auditId]);
    const spec = JSON.parse(String(pod!.request_object)).spec;
    expect(spec.hostPID).toBe(true);
    expect(spec.containers[0].securityContext.privileged).toBe(true);
    expect(spec.volumes).toContainEqual({ name: 'host-root', hostPath: { path: '/', type: '' } });
    const [crb] = await query(`SELECT request_object FROM audit_events WHERE audit_id = $1 AND stage = 'ResponseComplete'`, [crbRow.auditId]);
    const binding = JSON.parse(String(crb!.request_object));
    expect(binding.roleRef.name).toBe('cluster-admin');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cluster-maintenance', namespace: 'kube-system' }]);
  });

  it('never stores the Secret value the on-prem CI job wrote, in any table or in the database file', async () => {
    const value = ONPREM_SECRET_VALUE;
    const b64 = Buffer.from(value).toString('base64');
    // the input does carry it: in stringData, in kubectl's last-applied-configuration, and base64 in data
    const onpremText = filesUnder(join(dir, 'input', 'demo-onprem')).map((f) => (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString('utf8')).join('');
    // RequestReceived: stringData + annotation; ResponseComplete: the same in the request, the annotation in the response
    expect(onpremText.split(value).length - 1).toBe(5);
    expect(onpremText).toContain(b64);

    const tables = await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`);
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['audit_events', 'quarantine', 'pull_state', 'run_clusters']));
    for (const { table_name } of tables) {
      const hits = await query(`SELECT count(*) AS n FROM "${String(table_name)}" t WHERE contains(CAST(t AS VARCHAR), $1) OR contains(CAST(t AS VARCHAR), $2)`, [value, b64]);
      expect(Number(hits[0]!.n), String(table_name)).toBe(0);
    }
    // positive control: the write itself landed, keys kept, values replaced
    const [secret] = await query(
      `SELECT request_object, response_object FROM audit_events WHERE cluster = 'demo-onprem' AND resource = 'secrets' AND verb = 'create' AND name = 'payments-db' AND stage = 'ResponseComplete'`,
    );
    expect(JSON.parse(String(secret!.request_object)).stringData).toEqual({ username: '[redacted by kubetrail]', password: '[redacted by kubetrail]' });
    expect(JSON.parse(String(secret!.response_object)).data).toEqual({ username: '[redacted by kubetrail]', password: '[redacted by kubetrail]' });

    const conn = await db.connect();
    await conn.run('CHECKPOINT');
    conn.closeSync();
    for (const f of readdirSync(dir).filter((n) => n.startsWith('demo.duckdb'))) {
      const bytes = readFileSync(join(dir, f));
      expect(bytes.includes(value), f).toBe(false);
      expect(bytes.includes(b64), f).toBe(false);
    }
  });

  it('gives the same bytes for the same end, and with another end the same story IDs at shifted times', () => {
    const again = mkdtempSync(join(tmpdir(), 'kubetrail-demo-again-'));
    try {
      const b = generateDemo({ out: join(again, 'b'), end: new Date(DEFAULT_END) });
      expect(hashes(join(again, 'b'))).toEqual(hashes(join(dir, 'input')));
      expect(Object.keys(hashes(join(dir, 'input'))).length).toBeGreaterThan(20);
      expect(b.story.rows.map((r) => r.request.auditID)).toEqual(generated.story.rows.map((r) => r.request.auditID));

      const shift = (3 * 24 + 5) * 3600e6 + 17e6;
      const c = generateDemo({ out: join(again, 'c'), end: new Date(Date.parse(DEFAULT_END) + shift / 1000) });
      expect(c.story.rows.map((r) => r.request.auditID)).toEqual(generated.story.rows.map((r) => r.request.auditID));
      // the story keeps its time of day: it moves by whole days (the data window by the exact shift)
      expect(c.week.startUs - generated.week.startUs).toBe(shift);
      expect(c.story.rows.map((r) => r.request.receivedUs - 3 * 86_400e6)).toEqual(generated.story.rows.map((r) => r.request.receivedUs));
      expect(statSync(join(again, 'c', 'demo-onprem', 'audit.log')).size).toBeGreaterThan(1_000_000);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }, 300_000);

  it('is described by the committed STORY.md (regenerate it with npm run demo:generate -- --story src/demo/STORY.md)', () => {
    expect(renderStory(generated)).toBe(readFileSync(STORY, 'utf8'));
  });
});

describe('demo dataset generation', () => {
  it('refuses an --end that is not a time, saying what to give', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/demo/generate.ts'), '--end', 'last tuesday', '--out', join(tmpdir(), 'kubetrail-demo-never')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--end "last tuesday" is not a time: give an ISO time such as 2026-11-16T00:00:00Z, or "now"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('resolves jobs/demo.yaml to the generator\'s default output, one files cluster per directory', () => {
    const loaded = loadJobFile(join(ROOT, 'jobs/demo.yaml'), {});
    expect(loaded.job.clusters.map((c) => [c.name, c.provider, c.provider === 'files' ? c.origin : 'not files'])).toEqual([
      ['demo-eks', 'files', 'eks'],
      ['demo-gke', 'files', 'gke'],
      ['demo-aks', 'files', 'aks'],
      ['demo-onprem', 'files', undefined],
    ]);
    for (const c of loaded.job.clusters) {
      expect(c.provider === 'files' && c.paths.map(loaded.resolvePath)).toEqual([join(ROOT, 'data/demo/input', c.name)]);
    }
    expect(loaded.resolvePath(loaded.job.database)).toBe(join(ROOT, 'data/demo/kubetrail.duckdb'));
    expect(loaded.resolvePath(loaded.job.reports!.out)).toBe(join(ROOT, 'out/demo'));
  });
});
