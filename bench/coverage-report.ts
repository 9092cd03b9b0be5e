/**
 * Coverage checks and reports on a large store: N synthetic audit events (default 1,000,000) over 10
 * clusters and 8 days, inserted with SQL, then `runCoverage` and both reports in all formats.
 * Prints timings, file sizes and peak memory.   npx tsx bench/coverage-report.ts [events]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobFileSchema } from '../src/config/job-file.js';
import type { LoadedJob } from '../src/config/load.js';
import { runCoverage } from '../src/coverage/run.js';
import { silentLogger } from '../src/log.js';
import { writeReports } from '../src/report/run.js';
import { Database } from '../src/store/database.js';

const N = Number(process.argv[2] ?? 1_000_000);
const CLUSTERS = 10;
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-cov-'));
const now = new Date();
const t = () => performance.now();

try {
  const db = await Database.open(join(dir, 'k.duckdb'), { memoryLimit: '1GB' });
  const conn = await db.connect();
  let t0 = t();
  await conn.run(`
    INSERT INTO audit_events (cluster, provider, audit_id, stage, level, verb, request_uri, user_name, user_groups, user_extra,
      source_ips, user_agent, api_group, resource, namespace, name, response_code, stage_at, ingested_at, request_object,
      response_object, event_time, body_truncated, envelope, run_id, landed_at)
    SELECT 'c' || (i % ${CLUSTERS}), 'eks', 'a-' || i, 'ResponseComplete',
      ['RequestResponse', 'Request', 'Metadata'][1 + i % 3], v,
      '/apis/apps/v1/namespaces/ns' || (i % 50) || '/deployments/d' || (i % 1000),
      CASE WHEN i % 4 = 0 THEN 'system:serviceaccount:ns' || (i % 50) || ':sa' ELSE 'user' || (i % 200) END,
      ['system:authenticated'],
      CASE WHEN i % 4 = 0 THEN '{"authentication.kubernetes.io/pod-name":["p"]}'::JSON ELSE '{"arn":["arn:aws:sts::1:assumed-role/r/s"]}'::JSON END,
      ['10.0.' || (i % 250) || '.1'], 'kubectl/v1.30', 'apps', 'deployments', 'ns' || (i % 50), 'd' || (i % 1000), 200,
      ts, ts + INTERVAL 20 SECOND,
      CASE WHEN v IN ('create', 'update', 'patch') THEN '{"spec":{"replicas":2}}'::JSON END,
      CASE WHEN v IN ('create', 'update', 'patch') THEN '{"kind":"Deployment"}'::JSON END,
      ts, false, 'cloudwatch-event', 'bench', now()
    FROM (SELECT i, ['get', 'list', 'watch', 'update', 'patch', 'create'][1 + (i * 7) % 6] AS v,
                 TIMESTAMPTZ '${now.toISOString()}' - to_milliseconds(CAST((i * 7919) % (8 * 86400000) AS BIGINT)) AS ts
          FROM range(${N}) r(i))`);
  console.log(`insert ${N.toLocaleString('en-US')} events: ${((t() - t0) / 1000).toFixed(2)} s`);
  // Into the engine's own findings table (migration 002), with every NOT NULL column filled.
  await conn.run(`INSERT INTO findings (detection_id, severity, cluster, fingerprint, first_seen, last_seen, event_count, summary, audit_ids,
      status, title, mitre, group_key, period_start, principals, source_ips, namespaces, new_in_run, updated_in_run, created_at, updated_at)
    SELECT 'bench/d' || (i % 20), ['low', 'medium', 'high'][1 + i % 3], 'c' || (i % ${CLUSTERS}), 'fp' || i,
      TIMESTAMPTZ '${now.toISOString()}' - INTERVAL 2 DAY, TIMESTAMPTZ '${now.toISOString()}' - INTERVAL 1 HOUR, 5, 'finding ' || i,
      list_transform(range(5), lambda k: 'a-' || ((i * 5 + k) * 97 % ${N})), 'open', 'Bench detection ' || (i % 20), ['T1609'],
      'user' || (i % 200), TIMESTAMPTZ '${now.toISOString()}' - INTERVAL 2 DAY, ['user' || (i % 200)], ['10.0.0.' || (i % 250)], ['ns' || (i % 50)],
      'bench', 'bench', now(), now()
    FROM range(1000) r(i)`);
  conn.closeSync();

  const job: LoadedJob = {
    path: join(dir, 'job.yaml'),
    job: jobFileSchema.parse({ database: 'k.duckdb', clusters: Array.from({ length: CLUSTERS }, (_, i) => ({ name: `c${i}`, provider: 'files', paths: ['/x'] })) }),
    resolvePath: (p) => p,
  };
  t0 = t();
  const s = await runCoverage(db, job, { runId: 'bench', now, log: silentLogger(), detections: [] });
  console.log(`coverage: ${s.checks} checks x ${s.clusters} clusters in ${((t() - t0) / 1000).toFixed(2)} s (${s.alarms} alarms)`);
  console.log(`  ${Object.entries(s.timings).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  for (const kind of ['weekly', 'findings'] as const) {
    t0 = t();
    const paths = await writeReports(db, job, { kinds: [kind], formats: ['md', 'html', 'json'], outDir: join(dir, 'out'), now, log: silentLogger(), detections: [] });
    const sizes = paths.map((p) => `${p.split('/').at(-1)} ${(statSync(p).size / 1024).toFixed(0)} KiB`).join(', ');
    console.log(`report ${kind}: ${((t() - t0) / 1000).toFixed(2)} s (${sizes})`);
  }
  db.close();
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
