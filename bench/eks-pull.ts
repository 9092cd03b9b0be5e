/**
 * EKS pull benchmark: the real source, SDK clients, pipeline and DuckDB against the CloudWatch Logs
 * double running as its own process (so its CPU is not counted as ours, though it shares the machine).
 *   (a) 1,000,000 events, no quota: end-to-end events/s and peak RSS (target >= 100,000 events/s);
 *   (b) the same events with the double enforcing 5 requests/s and the source on its default quota:
 *       wall time against the quota-bound minimum (target <= 1.15x), 10,000 events per page.
 * Each is measured twice: end to end (source -> staging -> normalise -> DuckDB, through pullCluster) and
 * source only (the same source and SDK clients into staging files that are dropped at each checkpoint),
 * which separates the puller's own speed and pacing from the landing's.
 * Run: npx tsx bench/eks-pull.ts [--events 1000000] [--only a|b] [--skip-landing]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eksCluster } from '../src/config/providers/eks.js';
import { silentLogger } from '../src/log.js';
import { prepareStagingDir, EAGER_ROWS } from '../src/pipeline/lander.js';
import { pullCluster } from '../src/pipeline/pull-cluster.js';
import { eksSource } from '../src/sources/eks/eks-source.js';
import { QuotaRegistry } from '../src/sources/quota.js';
import { Database } from '../src/store/database.js';
import { StageFile } from '../src/store/stage.js';
import type { RecordSink, Source, StateUpdate } from '../src/sources/types.js';
import { startDoubleProcess, type DoubleStats } from '../test/fakes/cloudwatch-logs-process.js';

const arg = (name: string, def: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1]! : def;
};
const EVENTS = Number(arg('events', '1000000'));
const ONLY = arg('only', '');
const SKIP_LANDING = process.argv.includes('--skip-landing');
const PAGE = 10_000;

const startDouble = (extra: string[]) =>
  startDoubleProcess(['--events', String(EVENTS), '--from', '23h', '--to', '2m', '--page-events', String(PAGE), '--page-bytes', String(1 << 30), ...extra]);

async function run(label: string, doubleArgs: string[], roomy: boolean) {
  const proc = await startDouble(doubleArgs);
  const info = proc.info;
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-bench-eks-'));
  const dbPath = join(dir, 'bench.duckdb');
  const db = await Database.open(dbPath, { memoryLimit: '1GB' });
  try {
    const cfg = eksCluster.parse({
      name: 'bench',
      provider: 'eks',
      region: info.region,
      cluster: info.cluster,
      endpoint: info.endpoint,
      eksEndpoint: info.endpoint,
      stsEndpoint: info.endpoint,
    });
    const quotas = new QuotaRegistry();
    if (roomy) quotas.get(`cloudwatch:${info.account}:${info.region}`, { limit: 10_000, intervalMs: 1000, concurrency: 16 });
    const source = eksSource(cfg, { quotas }, { credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey } });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await pullCluster(db, cfg, source, { runId: label, log: silentLogger(), stagingDir: prepareStagingDir(dbPath) });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const doubleCpu = doubleCpuSeconds(proc.pid);
    if (r.status !== 'ok') throw new Error(r.error);
    const conn = await db.connect();
    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM audit_events')).getRows()[0]![0]);
    conn.closeSync();
    const d = await proc.stats();
    return { seconds, cpuSeconds, doubleCpu, landed: r.counts.landed, rows, stats: r.stats, double: d };
  } finally {
    db.close();
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds the double's process has used (Linux /proc), to tell its share of the machine from ours. */
function doubleCpuSeconds(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** A RecordSink that stages like the Lander but drops each staged file at a checkpoint instead of landing it. */
class DroppingSink implements RecordSink {
  private n = 0;
  private stage: StageFile;
  records = 0;
  constructor(private readonly dir: string) {
    this.stage = new StageFile(join(dir, `drop-${this.n}.ndjson`));
  }
  source(location: string) {
    return this.stage.source(location);
  }
  addBytes(s: number, l: number, d: Buffer, a: number, b: number) {
    this.stage.addBytes(s, l, d, a, b);
  }
  addText(s: number, l: number, j: string) {
    this.stage.addText(s, l, j);
  }
  addValue(s: number, l: number, v: unknown) {
    this.stage.addValue(s, l, v);
  }
  addEmbedded(s: number, l: number, w: Record<string, unknown>, f: string, t: string) {
    this.stage.addEmbedded(s, l, w, f, t);
  }
  addRefused(s: number, l: number, r: string, t: string) {
    this.stage.addRefused(s, l, r, t);
  }
  get bytes() {
    return this.stage.bytes;
  }
  get count() {
    return this.stage.count;
  }
  // As the Lander's, with a landing that takes no time: EAGER_ROWS.
  get due() {
    return this.stage.count >= EAGER_ROWS;
  }
  checkpoint = async (_state: readonly StateUpdate[]) => {
    this.records += this.stage.count;
    this.stage.remove();
    this.stage = new StageFile(join(this.dir, `drop-${++this.n}.ndjson`));
  };
}

async function runSourceOnly(label: string, doubleArgs: string[], roomy: boolean) {
  const proc = await startDouble(doubleArgs);
  const info = proc.info;
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-bench-eks-src-'));
  try {
    const cfg = eksCluster.parse({ name: 'bench', provider: 'eks', region: info.region, cluster: info.cluster, endpoint: info.endpoint, eksEndpoint: info.endpoint, stsEndpoint: info.endpoint });
    const quotas = new QuotaRegistry();
    if (roomy) quotas.get(`cloudwatch:${info.account}:${info.region}`, { limit: 10_000, intervalMs: 1000, concurrency: 16 });
    const source: Source = eksSource(cfg, { quotas }, { credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey } });
    const sink = new DroppingSink(dir);
    const ac = new AbortController();
    const ctx = { cluster: cfg, runId: label, state: new Map(), window: {}, now: new Date(), log: silentLogger(), signal: ac.signal };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await source.posture!(ctx);
    const stats = await source.pull(ctx, sink, sink.checkpoint);
    await sink.checkpoint([]);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, doubleCpu: doubleCpuSeconds(proc.pid), rows: sink.records, stats, double: await proc.stats() };
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

const loadBefore = (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ');
const rate = (n: number, sec: number) => `${Math.round(n / sec).toLocaleString('en')} events/s`;
console.log(`${EVENTS.toLocaleString('en')} events, ${PAGE.toLocaleString('en')} per page; load average before: ${loadBefore} (2 cores)`);
if (ONLY !== 'b') {
  const s = await runSourceOnly('bench-a-src', [], true);
  console.log(`(a) no quota, source only: ${s.rows.toLocaleString('en')} events in ${s.seconds.toFixed(2)} s = ${rate(s.rows, s.seconds)}; CPU kubetrail ${s.cpuSeconds.toFixed(1)} s, double ${s.doubleCpu?.toFixed(1)} s; requests ${s.stats.requests}; peak RSS so far ${mb(process.resourceUsage().maxRSS)}`);
  if (!SKIP_LANDING) {
    const a = await run('bench-a', [], true);
    console.log(`(a) no quota, end to end: ${a.rows.toLocaleString('en')} events landed in ${a.seconds.toFixed(2)} s = ${rate(a.rows, a.seconds)} (target >= 100,000); CPU kubetrail ${a.cpuSeconds.toFixed(1)} s (JS + DuckDB threads), double ${a.doubleCpu?.toFixed(1) ?? '?'} s`);
    console.log(`    requests ${a.stats.requests}, slices ${a.stats.slices}; peak RSS of this process ${mb(process.resourceUsage().maxRSS)}`);
  }
}
if (ONLY !== 'a') {
  const minRequests = Math.ceil(EVENTS / PAGE);
  const minimum = minRequests / 5;
  const show = (what: string, b: { seconds: number; rows: number; double: DoubleStats }) => {
    console.log(`(b) 5 requests/s enforced by the double, ${what}: ${b.rows.toLocaleString('en')} events in ${b.seconds.toFixed(2)} s; quota-bound minimum ${minRequests} pages / 5 per s = ${minimum.toFixed(1)} s; ratio ${(b.seconds / minimum).toFixed(3)}x (target <= 1.15x)`);
    console.log(
      `    FilterLogEvents ${b.double.byOp.FilterLogEvents}, DescribeLogGroups ${b.double.byOp.DescribeLogGroups ?? 0}; throttled by the double ${b.double.throttledByDouble}; busiest second seen by the double ${Math.max(...b.double.windows.map((w) => w.maxInOneSecond))} requests`,
    );
  };
  show('source only', await runSourceOnly('bench-b-src', ['--quota', '5'], false));
  if (!SKIP_LANDING) show('end to end', await run('bench-b', ['--quota', '5'], false));
}
