/**
 * AKS pull throughput and query economy: the Log Analytics double runs as its own process (so its work
 * is not counted here) with N synthetic AKSAudit rows (~1.2 KB each); kubetrail pulls them through the
 * real LogsQueryClient into a fresh DuckDB file. Prints rows/s landed, the queries used (size queries
 * and reads) against the fewest the service caps allow for the window, and peak RSS.
 *
 * A second measurement reads the same window into a sink that only counts, to show what fetching
 * costs without landing.
 *
 *   npx tsx bench/aks-pull.ts [--rows 200000] [--max-rows 500000] [--checkpoint-mb 32] [--target-mb 24]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { aksCluster } from '../src/config/providers/aks.js';
import { silentLogger } from '../src/log.js';
import { pullCluster } from '../src/pipeline/pull-cluster.js';
import { aksSource } from '../src/sources/aks/aks-source.js';
import { QuotaRegistry } from '../src/sources/quota.js';
import type { RecordSink } from '../src/sources/types.js';
import { Database } from '../src/store/database.js';

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const rows = arg('rows', 200_000);
const maxRows = arg('max-rows', 500_000);
const checkpointMb = arg('checkpoint-mb', 32);
const targetMb = arg('target-mb', 0);

interface FakeInfo {
  port: number;
  endpoint: string;
  armEndpoint: string;
  caFile: string;
  workspaceId: string;
  resourceIds: string[];
}

async function startFake(): Promise<{ info: FakeInfo; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fakes/log-analytics.ts', '--rows', String(rows), '--max-rows', String(maxRows), '--hours-ago', '8', '--span-minutes', '360'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`the double exited (${code})`)));
  });
  return { info: JSON.parse(line) as FakeInfo, stop: () => child.kill('SIGTERM') };
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const t0 = performance.now();
const { info, stop } = await startFake();
const started = (performance.now() - t0) / 1000;
const dir = mkdtempSync(join(tmpdir(), 'kubetrail-bench-aks-'));
try {
  const db = await Database.open(join(dir, 'bench.duckdb'), { memoryLimit: '1GB' });
  const cluster = aksCluster.parse({
    name: 'bench',
    provider: 'aks',
    workspaceId: info.workspaceId,
    resourceId: info.resourceIds[0],
    endpoint: info.endpoint,
    armEndpoint: info.armEndpoint,
    caFile: info.caFile,
    lookback: '24h',
  });
  const quotas = new QuotaRegistry();
  const sourceOpts = { env: { KUBETRAIL_AZURE_TOKEN: 'bench' }, ...(targetMb ? { targets: { bytes: targetMb * 1024 * 1024 } } : {}) };
  const pull = async (runId: string) => {
    const source = aksSource(cluster, { quotas }, sourceOpts);
    const t = performance.now();
    const r = await pullCluster(db, cluster, source, { runId, log: silentLogger(), stagingDir: dir, checkpointBytes: checkpointMb * 1024 * 1024 });
    return { r, seconds: (performance.now() - t) / 1000 };
  };

  // Fetch only: the same window into a sink that counts.
  const counting: RecordSink = {
    source: () => 0,
    addBytes: () => undefined,
    addText: () => undefined,
    addValue: (_s, _l, v) => void (fetchedBytes += JSON.stringify(v).length, fetched++),
    addEmbedded: () => undefined,
    due: false,
    addRefused: () => undefined,
    get bytes() {
      return 0;
    },
    get count() {
      return fetched;
    },
  };
  let fetched = 0;
  let fetchedBytes = 0;
  const tf = performance.now();
  await aksSource(cluster, { quotas }, sourceOpts).pull(
    { cluster, runId: 'fetch', state: new Map(), window: {}, now: new Date(), log: silentLogger(), signal: new AbortController().signal },
    counting,
    async () => undefined,
  );
  const fetchSeconds = (performance.now() - tf) / 1000;
  const fetchRss = peakRss;
  peakRss = 0;

  const first = await pull('bench-1');
  if (first.r.status !== 'ok') throw new Error(first.r.error);
  const second = await pull('bench-2');


  const s = first.r.stats;
  const perQuery = (n: number): string => `${n} (${s.size_queries} size + ${Number(n) - Number(s.size_queries)} read)`;
  console.log(`AKS pull, ${rows.toLocaleString()} AKSAudit rows over 6 h, double capped at ${maxRows.toLocaleString()} rows / 100 MB per answer (double start ${started.toFixed(1)} s)`);
  console.log(`  first run : ${first.r.counts.landed.toLocaleString()} rows landed in ${first.seconds.toFixed(2)} s = ${Math.round(first.r.counts.landed / first.seconds).toLocaleString()} rows/s`);
  // The fewest reads the double's caps allow for what it holds (rows, and its JSON answer size).
  const fewest = Math.max(Math.ceil(rows / maxRows), Math.ceil(fetchedBytes / (100 * 1024 * 1024)));
  console.log(`              queries ${perQuery(Number(s.queries))}; fewest reads the caps allow ${fewest} (source's estimate ${s.minimum_data_queries}); refused answers ${s.split}; ${first.r.counts.records - first.r.counts.landed} not landed`);
  console.log(`  fetch only: ${fetched.toLocaleString()} rows (${Math.round(fetchedBytes / 1024 / 1024)} MB as JSON) in ${fetchSeconds.toFixed(2)} s = ${Math.round(fetched / fetchSeconds).toLocaleString()} rows/s (double included), peak RSS ${Math.round(fetchRss / 1024 / 1024)} MB`);
  console.log(`  rerun     : ${second.r.counts.landed} new rows, ${second.r.stats.queries} queries (${second.r.stats.data_queries} reads), ${second.seconds.toFixed(2)} s`);
  console.log(`  peak RSS  : ${Math.round(peakRss / 1024 / 1024)} MB while pulling and landing (DuckDB memoryLimit 1GB; the double runs apart)`);
  db.close();
} finally {
  clearInterval(sampler);
  stop();
  rmSync(dir, { recursive: true, force: true });
}
