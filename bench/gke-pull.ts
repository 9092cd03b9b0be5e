/**
 * GKE pull benchmark: the real Cloud Logging client against the double on 127.0.0.1, the real
 * pullCluster and a DuckDB file in a temp dir.
 *   1. decode: LogEntry (as the gRPC client returns it) -> gcloud JSON, and the JSON text the sink stages;
 *   2. unthrottled: fetch + decode + stage + land, end to end, when quota is not the limit;
 *   3. quota-bound: the double enforces 60 entries.list calls per 60 s per project (RESOURCE_EXHAUSTED
 *      above it) and kubetrail uses its default limiter; wall time against the quota-bound minimum.
 * Usage: npx tsx bench/gke-pull.ts [--pages 150] [--page-size 1000] [--skip-quota] [--quota-limit 60 --quota-window-s 60]
 */
process.env.METADATA_SERVER_DETECTION = 'none';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gkeCluster } from '../src/config/providers/gke.js';
import { silentLogger } from '../src/log.js';
import { prepareStagingDir } from '../src/pipeline/lander.js';
import { pullCluster } from '../src/pipeline/pull-cluster.js';
import { createClients } from '../src/sources/gke/clients.js';
import { gkeSource } from '../src/sources/gke/gke-source.js';
import { logEntryToJson, type DecodedLogEntry } from '../src/sources/gke/log-entry-json.js';
import { QuotaRegistry } from '../src/sources/quota.js';
import { Database } from '../src/store/database.js';
import { CloudLoggingFake } from '../test/fakes/cloud-logging.js';
import { traffic, type GkeEntry } from '../test/fakes/gke-entries.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PAGES = arg('--pages', 150);
const PAGE_SIZE = arg('--page-size', 1000);
// A scaled quota for quick runs (the real one is 60 per 60 s).
const Q_LIMIT = arg('--quota-limit', 60);
const Q_WINDOW_S = arg('--quota-window-s', 60);
const N = PAGES * PAGE_SIZE;
const NOW = new Date('2026-11-20T12:00:00Z');
const PROJECT = 'bench-project';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`GKE pull benchmark: ${fmt(N)} entries, ${PAGES} pages of ${PAGE_SIZE}, Node ${process.version}`);
let t = performance.now();
const entries: GkeEntry[] = [...traffic({ project: PROJECT, clusters: [{ location: 'europe-west1', cluster: 'prod' }], count: N, startMs: NOW.getTime() - 20 * 3600e3, spacingMs: (19 * 3600e3) / N })];
const warmFake = await new CloudLoggingFake().start();
warmFake.addEntries(entries);
warmFake.warm();
console.log(`  double ready (entries generated and encoded) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// 1. Decoding alone.
const clients = await createClients({ endpoint: warmFake.endpoint, insecure: true });
const [page] = (await clients.logging.listLogEntries(
  { resourceNames: [`projects/${PROJECT}`], filter: 'resource.type="k8s_cluster"', orderBy: 'timestamp asc', pageSize: PAGE_SIZE },
  { autoPaginate: false, retry: null } as never,
)) as unknown as [DecodedLogEntry[]];
await clients.close();
await warmFake.stop();
// Median of 5 timed passes after a warm-up, each over >= 100,000 entries (the page decoded again and again).
const rounds = Math.max(20, Math.ceil(100_000 / page.length));
const decoded = rounds * page.length;
let bytes = 0;
const pass = (stage: boolean) => {
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const e of page) stage ? (bytes += JSON.stringify(logEntryToJson(e)).length) : logEntryToJson(e);
  return (performance.now() - t0) / 1000;
};
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
pass(true);
const decodeS = median([0, 1, 2, 3, 4].map(() => pass(false)));
bytes = 0;
const stageS = median([0, 1, 2, 3, 4].map(() => pass(true)));
console.log(`\n1. decode (one core): ${fmt(decoded / decodeS)} entries/s decoded; ${fmt(decoded / stageS)} entries/s decoded + serialised for staging (${(bytes / 5 / decoded / 1024).toFixed(2)} KiB/entry)`);

async function run(label: string, fakeQuota: { limit: number; windowMs: number } | undefined, o: { requestsPerMinute?: number; seed?: (q: QuotaRegistry) => void } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kt-bench-gke-'));
  const dbPath = join(dir, 'bench.duckdb');
  const db = await Database.open(dbPath, { memoryLimit: '1GB' });
  const fake = await new CloudLoggingFake({ quota: fakeQuota }).start();
  fake.addEntries(entries);
  fake.warm();
  const quotas = new QuotaRegistry();
  o.seed?.(quotas);
  const parsed = gkeCluster.parse({ name: 'prod', provider: 'gke', project: PROJECT, location: 'europe-west1', cluster: 'prod', endpoint: fake.endpoint, insecure: true });
  // The job file caps requestsPerMinute at Cloud Logging's 60; the unthrottled run lifts it past the schema.
  const cluster = o.requestsPerMinute ? { ...parsed, requestsPerMinute: o.requestsPerMinute } : parsed;
  const source = gkeSource(cluster, { quotas }, { pageSize: PAGE_SIZE });
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  t = performance.now();
  const r = await pullCluster(db, cluster, source, { runId: label, now: NOW, log: silentLogger(), stagingDir: prepareStagingDir(dbPath) });
  const wall = (performance.now() - t) / 1000;
  clearInterval(timer);
  const calls = fake.listCalls(PROJECT);
  if (process.env.BENCH_DEBUG) {
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    console.log(`   serve times at the double (ms): ${calls.map((c) => c.serveMs).join(' ')}`);
    console.log(`   first call at +${(calls[0]!.at - (performance.timeOrigin + t)).toFixed(0)} ms; gaps between calls (ms): ${gaps.join(' ')}; end ${(performance.timeOrigin + performance.now() - calls.at(-1)!.at).toFixed(0)} ms after the last call`);
  }
  const out = {
    wall,
    landed: r.counts.landed,
    requests: calls.length,
    throttled: calls.filter((c) => c.code === 8).length,
    maxPer60s: fake.maxCallsInWindow(PROJECT, 60_000),
    peakRssMb: peak / 1048576,
    error: r.error,
  };
  await fake.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

// 2. Not quota-bound: how fast the pipeline itself goes.
// (A limiter seeded here would be tightened to the cluster's own 60/min: the cluster's setting is lifted.)
const free = await run('unthrottled', undefined, { requestsPerMinute: 1_000_000 });
console.log(
  `\n2. unthrottled: ${fmt(free.landed)} landed in ${free.wall.toFixed(1)} s = ${fmt(free.landed / free.wall)} entries/s fetched, decoded and landed ` +
    `(${free.requests} requests, peak RSS ${free.peakRssMb.toFixed(0)} MB)${free.error ? ` ERROR ${free.error}` : ''}`,
);

// 3. Quota-bound: 60 requests per 60 s, enforced by the double.
if (!process.argv.includes('--skip-quota')) {
  const scaled = Q_LIMIT !== 60 || Q_WINDOW_S !== 60;
  const q = await run('quota', { limit: Q_LIMIT, windowMs: Q_WINDOW_S * 1000 }, { seed: scaled ? (r) => r.get(`logging:${PROJECT}`, { limit: Q_LIMIT, intervalMs: Q_WINDOW_S * 1000, concurrency: 1 }) : undefined });
  // Under "at most L calls in any W s", call k (0-based) can be made at floor(k/L) * W at the earliest.
  const minimum = Math.floor((q.requests - 1) / Q_LIMIT) * Q_WINDOW_S;
  console.log(
    `\n3. quota-bound (double enforces ${Q_LIMIT} requests/${Q_WINDOW_S} s, kubetrail limiter the same): ${fmt(q.landed)} landed in ${q.wall.toFixed(1)} s; ` +
      `${q.requests} requests, ${q.throttled} refused by the double, at most ${q.maxPer60s} in any 60 s`,
  );
  console.log(
    `   quota-bound minimum ${minimum} s (request k no earlier than floor(k/${Q_LIMIT}) x ${Q_WINDOW_S} s) -> ${(q.wall / minimum).toFixed(3)}x (target <= 1.15x); ` +
      `at a steady rate it would be ${((q.requests * Q_WINDOW_S) / Q_LIMIT).toFixed(0)} s -> ${(q.wall / ((q.requests * Q_WINDOW_S) / Q_LIMIT)).toFixed(3)}x; ${fmt(q.landed / q.wall)} entries/s; peak RSS ${q.peakRssMb.toFixed(0)} MB${q.error ? ` ERROR ${q.error}` : ''}`,
  );
}
