/**
 * Detection benchmark: a full pass of every detection over 1,000,000 generated audit events (target
 * <= 10 s), then an incremental pass after 10,000 more (target <= 1 s).
 *
 *   npx tsx bench/detect.ts [--events 1000000] [--increment 10000] [--db path] [--memory 1GB]
 *
 * Events are generated inside DuckDB (SQL over range()), straight into audit_events, with a realistic mix:
 * three clusters, mostly reads by controllers and workloads, writes with bodies for workloads, a few
 * exec sessions, denials, anonymous probes and attacks sprinkled in, so that detections find something.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as os from 'node:os';
const require_os = () => os;
import type { LoadedJob } from '../src/config/load.js';
import type { JobFile } from '../src/config/job-file.js';
import { runDetections, slowestSteps } from '../src/detect/run.js';
import { silentLogger } from '../src/log.js';
import { Database } from '../src/store/database.js';
import { generateEventsSql as generate } from './generate-events-sql.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    increment: { type: 'string', default: '10000' },
    db: { type: 'string' },
    memory: { type: 'string', default: '1GB' },
  },
});
const N = Number(values.events);
const INC = Number(values.increment);

/** CPU seconds of this process (all of DuckDB's threads) since `from`: wall time is unreliable on a busy machine. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}
const load = () => (globalThis.process.platform === 'linux' ? ` (load average ${(require_os().loadavg()[0] ?? 0).toFixed(1)}, ${require_os().cpus().length} cores)` : '');

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-bench-'));
const dbPath = values.db ?? join(dir, 'bench.duckdb');
const job = {
  path: '(bench)',
  job: { database: dbPath, memoryLimit: values.memory, concurrency: 1, clusters: [], detect: { disabled: [], parameters: {}, suppressions: [] } } as unknown as JobFile,
  resolvePath: (p: string) => p,
} satisfies LoadedJob;

const db = await Database.open(dbPath, { memoryLimit: values.memory });
try {
  const conn = await db.connect();
  let t = performance.now();
  await conn.run(generate(0, N, '2026-03-01T00:00:00Z', 7 * 86400, 'bench-load-1'));
  const genS = (performance.now() - t) / 1000;
  conn.closeSync();
  console.log(`generated ${N.toLocaleString('en')} events in ${genS.toFixed(1)} s${load()}`);

  t = performance.now();
  let cpu = process.cpuUsage();
  const full = await runDetections(db, job, { runId: 'bench-detect-1', now: new Date('2026-03-09T00:00:00Z'), log: silentLogger() });
  const fullS = (performance.now() - t) / 1000;
  const fullCpu = cpuSeconds(cpu);
  console.log(
    `full pass:        ${fullS.toFixed(2)} s wall, ${fullCpu.toFixed(2)} s cpu (target <= 10 s) - ${full.detections} detections, ${full.newEvents.toLocaleString('en')} new events, ${full.newFindings} findings` +
      (full.errors.length ? `, ${full.errors.length} ERRORS: ${full.errors.map((e) => e.message).join('; ')}` : ''),
  );
  console.log(`  slowest: ${slowestSteps(full)}`);

  const c2 = await db.connect();
  await c2.run(generate(N, INC, '2026-03-08T00:00:00Z', 3600, 'bench-load-2'));
  c2.closeSync();
  t = performance.now();
  cpu = process.cpuUsage();
  const inc = await runDetections(db, job, { runId: 'bench-detect-2', now: new Date('2026-03-09T00:00:00Z'), log: silentLogger() });
  const incS = (performance.now() - t) / 1000;
  const incCpu = cpuSeconds(cpu);
  console.log(
    `incremental pass: ${incS.toFixed(2)} s wall, ${incCpu.toFixed(2)} s cpu (target <= 1 s) - ${inc.newEvents.toLocaleString('en')} new events, ${inc.newFindings} new findings, ${inc.updatedFindings} updated` +
      (inc.errors.length ? `, ${inc.errors.length} ERRORS: ${inc.errors.map((e) => e.message).join('; ')}` : ''),
  );
  console.log(`  slowest: ${slowestSteps(inc)}`);

  t = performance.now();
  const again = await runDetections(db, job, { runId: 'bench-detect-3', now: new Date('2026-03-09T00:00:00Z'), log: silentLogger() });
  console.log(`pass with nothing new: ${((performance.now() - t) / 1000).toFixed(2)} s - ${again.newFindings} new findings`);
  const c3 = await db.connect();
  const byDet = await c3.runAndReadAll(`SELECT detection_id, count(*), sum(event_count) FROM findings GROUP BY 1 ORDER BY 3 DESC LIMIT 12`);
  c3.closeSync();
  console.log('top detections by evidence:', byDet.getRows().map((r) => `${r[0]}=${r[1]}/${r[2]}`).join(' '));
} finally {
  db.close();
  if (!values.db) rmSync(dir, { recursive: true, force: true });
}
