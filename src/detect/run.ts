/**
 * `kubetrail detect`: run every enabled detection over the requests landed since its watermark, and
 * merge what they find into `findings`.
 *
 * Each detection is one INSERT of its evidence (one row per matching request) into kt_evidence; then
 * suppressions, grouping into findings, the merge and the new watermarks are set-based statements in
 * one transaction. A detection whose SQL fails is reported and keeps its old watermark (the next run
 * tries it again); the others go ahead.
 */
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { TIMESTAMPTZ, VARCHAR, timestampTZValue } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../config/duration.js';
import type { LoadedJob } from '../config/load.js';
import type { DetectConfig } from '../config/sections/detect.js';
import { describe } from '../errors.js';
import type { Logger } from '../log.js';
import { splitSql, type Database } from '../store/database.js';
import { library, referencedParameters, type LoadedDetection } from './library.js';
import { AGG_SQL, CHANGES_SQL, DROP_TEMP_SQL, FOUND_SQL, MERGE_SQL, NEW_PAIRS_SQL, RECORD_PAIRS_SQL } from './merge.js';
import { duckdbValue, parseParameterValue, type ParameterValue } from './params.js';
import { cidrPrefix } from './cidr.js';
import { NEW_RANGE_SQL, POD_WRITES_SQL, TRUSTED_CIDRS_PARAMETER, dropSql, eventsViewSql, scopeSql, type ScopeBounds } from './scope.js';
import { atLeast, severityRank, SEVERITIES, type Severity } from './severity.js';
import { SUPPRESS_TABLE_SQL, activeSuppressionsJson, describeExpired, keptSql, suppressionStates } from './suppressions.js';

export { SEVERITIES, type Severity };

const here = dirname(fileURLToPath(import.meta.url));
const PRELUDE = splitSql(readFileSync(join(here, 'prelude.sql'), 'utf8'));

export interface DetectOptions {
  runId: string;
  now: Date;
  log: Logger;
  /** New findings at or above this severity make `failing` non-zero. */
  failOn?: Severity;
  /** Run these detections instead of the shipped library (tests, the fixture runner). */
  library?: LoadedDetection[];
}

export interface NewFinding {
  detectionId: string;
  severity: Severity;
  cluster: string;
  summary: string;
  eventCount: number;
  fingerprint: string;
  reopened: boolean;
}

export interface DetectSummary {
  detections: number;
  newFindings: number;
  updatedFindings: number;
  bySeverity: Partial<Record<Severity, number>>;
  /** New findings at or above failOn. */
  failing: number;
  seconds: number;
  /** Findings that were resolved and got new evidence (counted in newFindings too). */
  reopenedFindings: number;
  /** Audit events landed since the oldest watermark (what this run looked at as new). */
  newEvents: number;
  /** Evidence left out by a suppression, per detection. */
  suppressed: Record<string, number>;
  /** Suppressions past their expiry, as sentences ("detect.suppressions[1] ... expired ..."). */
  expiredSuppressions: string[];
  /** Detections whose SQL failed; they keep their watermark and run again next time. */
  errors: { detection: string; message: string }[];
  /** The new and reopened findings, most severe first, at most MAX_LISTED (newFindings has the count). */
  findings: NewFinding[];
  /** Milliseconds per step ("scope", "merge", ...) and per detection ("detection:<id>"), wall clock. */
  timings: Record<string, number>;
  /** The same steps in CPU milliseconds of this process (DuckDB's threads included). */
  cpuTimings: Record<string, number>;
}

/** New findings kept in the summary (it is also stored in the runs table). */
export const MAX_LISTED = 500;

const EMPTY_CONFIG: DetectConfig = { disabled: [], parameters: {}, suppressions: [] };

export async function runDetections(db: Database, job: LoadedJob, opts: DetectOptions): Promise<DetectSummary> {
  const t0 = performance.now();
  const cfg = job.job.detect ?? EMPTY_CONFIG;
  const lib = (opts.library ?? library()).filter((d) => !cfg.disabled.includes(d.id));
  const summary: DetectSummary = {
    detections: lib.length,
    newFindings: 0,
    updatedFindings: 0,
    bySeverity: {},
    failing: 0,
    seconds: 0,
    reopenedFindings: 0,
    newEvents: 0,
    suppressed: {},
    expiredSuppressions: suppressionStates(cfg.suppressions, opts.now).filter((s) => s.expired).map(describeExpired),
    errors: [],
    findings: [],
    timings: {},
    cpuTimings: {},
  };
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await fn();
    } finally {
      const u = process.cpuUsage(cpu);
      summary.timings[step] = Math.round(performance.now() - t);
      summary.cpuTimings[step] = Math.round((u.user + u.system) / 1000);
    }
  };
  for (const line of summary.expiredSuppressions) opts.log.warn(line);

  const conn = await db.connect();
  try {
    await timed('prelude', async () => {
      for (const stmt of PRELUDE) await conn.run(stmt);
    });
    // IN lists stay filters (pushed into scans) instead of being rewritten into joins
    await conn.run(`SET disabled_optimizers = 'in_clause'`);
    const hiRow = (await conn.runAndReadAll(`SELECT CAST(max(landed_at) AS VARCHAR), epoch_us(max(landed_at)) FROM audit_events`)).getRows()[0]!;
    if (hiRow[0] === null) return finish(summary, t0);
    const hi = String(hiRow[0]);
    const hiUs = BigInt(hiRow[1] as bigint);
    const state = new Map(
      (await conn.runAndReadAll(`SELECT detection_id, CAST(landed_upto AS VARCHAR), epoch_us(landed_upto) FROM detect_state`))
        .getRows()
        .map((r) => [String(r[0]), { at: String(r[1]), us: BigInt(r[2] as bigint) }]),
    );
    const todo = lib.filter((d) => (state.get(d.id)?.us ?? -1n) < hiUs);
    if (!todo.length) return finish(summary, t0);

    const los = todo.map((d) => state.get(d.id));
    const lo = los.some((s) => !s) ? null : los.reduce((a, b) => (b!.us < a!.us ? b : a))!.at;
    const lookbackMs = Math.max(0, ...todo.map((d) => (d.window ? Number(paramValues(d, cfg)[d.window]) : 0)));
    const hiValue = timestampTZValue(hiUs);
    await timed('new-range', () => conn.run(NEW_RANGE_SQL, { lo: lo, hi: hiValue }, { lo: VARCHAR, hi: TIMESTAMPTZ }));
    const span = (await conn.runAndReadAll(`SELECT CAST(min(t_lo) AS VARCHAR), CAST(max(t_hi) AS VARCHAR), coalesce(sum(n), 0) FROM kt_new_range`)).getRows()[0]!;
    summary.newEvents = Number(span[2]);
    if (span[0] === null) return finish(summary, t0);
    const bounds: ScopeBounds = { hi, tLo: String(span[0]), tHi: String(span[1]), lookbackMs };
    await timed('scope', async () => {
      await conn.run(dropSql(bounds));
      for (const stmt of scopeSql(bounds, trustedPrefixes(cfg))) await conn.run(stmt);
    });
    await timed('pod-writes', () => conn.run(POD_WRITES_SQL));

    await conn.run(`CREATE OR REPLACE TEMP TABLE kt_evidence (detection_id VARCHAR, cluster VARCHAR, audit_id VARCHAR, event_time TIMESTAMPTZ, group_key VARCHAR, summary VARCHAR)`);
    const failed = new Set<string>();
    let viewsFor: string | null | undefined;
    for (const d of todo) {
      // the views depend only on the watermark, which every detection shares in a normal run
      const at = state.get(d.id)?.at ?? null;
      if (at !== viewsFor) {
        for (const v of eventsViewSql(at)) await conn.run(v);
        viewsFor = at;
      }
      try {
        await timed(`detection:${d.id}`, () => insertEvidence(conn, d, paramValues(d, cfg), opts.now));
      } catch (err) {
        failed.add(d.id);
        const message = `${d.file}: ${describe(err)}`;
        summary.errors.push({ detection: d.id, message });
        opts.log.error({ detection: d.id }, message);
      }
    }

    await timed('setup', () => conn.run(
      `CREATE OR REPLACE TEMP TABLE kt_detections AS SELECT unnest(json_transform($d, '[{"detection_id":"VARCHAR","severity":"VARCHAR","title":"VARCHAR","mitre":["VARCHAR"],"dedup_us":"BIGINT"}]'), recursive := true)`,
      { d: JSON.stringify(todo.map((x) => ({ detection_id: x.id, severity: x.severity, title: x.title, mitre: x.mitre, dedup_us: x.dedupMs * 1000 }))) },
    ));
    await conn.run(SUPPRESS_TABLE_SQL[0]!);
    await conn.run(SUPPRESS_TABLE_SQL[1]!, { suppressions: activeSuppressionsJson(cfg.suppressions, opts.now) });
    await timed('suppress', () => conn.run(keptSql(cfg.suppressions)));
    for (const [id, n] of (await conn.runAndReadAll(`SELECT detection_id, count(*) FROM kt_kept WHERE suppressed_by IS NOT NULL GROUP BY 1 ORDER BY 1`)).getRows()) {
      summary.suppressed[String(id)] = Number(n);
    }

    await conn.run('BEGIN TRANSACTION');
    try {
      await timed('merge', async () => {
      await conn.run(FOUND_SQL);
      await conn.run(NEW_PAIRS_SQL);
      await conn.run(RECORD_PAIRS_SQL, { run_id: opts.runId });
      await conn.run(AGG_SQL);
      for (const [sev, created, reopened, updated] of (await conn.runAndReadAll(CHANGES_SQL)).getRows()) {
        const s = String(sev) as Severity;
        const fresh = Number(created) + Number(reopened);
        summary.newFindings += fresh;
        summary.reopenedFindings += Number(reopened);
        summary.updatedFindings += Number(updated);
        if (fresh) summary.bySeverity[s] = (summary.bySeverity[s] ?? 0) + fresh;
        if (opts.failOn && atLeast(s, opts.failOn)) summary.failing += fresh;
      }
      await conn.run(MERGE_SQL, { run_id: opts.runId });
      const done = todo.filter((d) => !failed.has(d.id)).map((d) => d.id);
      if (done.length) {
        await conn.run(
          `INSERT OR REPLACE INTO detect_state (detection_id, landed_upto, run_id, updated_at)
           SELECT unnest(json_transform($ids, '["VARCHAR"]')), $hi, $run_id, now()`,
          { ids: JSON.stringify(done), hi: hiValue, run_id: opts.runId },
          { ids: VARCHAR, hi: TIMESTAMPTZ, run_id: VARCHAR },
        );
      }
      });
      await timed('commit', () => conn.run('COMMIT'));
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }

    const rows = await timed('report', () => conn.runAndReadAll(
      `SELECT detection_id, severity, cluster, summary, event_count, fingerprint, reopened_in_run IS NOT DISTINCT FROM $run_id
       FROM findings WHERE new_in_run = $run_id OR reopened_in_run = $run_id`,
      { run_id: opts.runId },
    ));
    summary.findings = rows
      .getRows()
      .map((r) => ({
        detectionId: String(r[0]),
        severity: String(r[1]) as Severity,
        cluster: String(r[2]),
        summary: String(r[3]),
        eventCount: Number(r[4]),
        fingerprint: String(r[5]),
        reopened: Boolean(r[6]),
      }))
      .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.detectionId.localeCompare(b.detectionId) || a.cluster.localeCompare(b.cluster))
      .slice(0, MAX_LISTED);
    return finish(summary, t0);
  } finally {
    for (const v of ['events', 'workload_writes', 'scope', 'cluster_addresses']) await conn.run(`DROP VIEW IF EXISTS ${v}`).catch(() => undefined);
    for (const stmt of DROP_TEMP_SQL) await conn.run(stmt).catch(() => undefined);
    conn.closeSync();
  }
}

function finish(s: DetectSummary, t0: number): DetectSummary {
  s.seconds = (performance.now() - t0) / 1000;
  return s;
}

/** The slowest steps, for logs and the benchmark: "scope 812ms (cpu 700ms), ...". */
export function slowestSteps(s: DetectSummary, n = 8): string {
  return Object.entries(s.timings)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${v}ms (cpu ${s.cpuTimings[k] ?? '?'}ms)`)
    .join(', ');
}

/** The detection's parameters: header defaults, overridden by the job file (validated when it was loaded). */
export function paramValues(d: LoadedDetection, cfg: DetectConfig): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  const overrides = cfg.parameters[d.id] ?? {};
  for (const p of d.parameters) {
    const v = overrides[p.name];
    out[p.name] = v === undefined ? p.default : p.type === 'duration' ? durationMs(v) : (v as ParameterValue);
  }
  return out;
}

/**
 * The cluster's own address ranges as bit prefixes: TRUSTED_CIDRS_PARAMETER from the job file, else that
 * parameter's default in the shipped library. Read even when that detection is disabled: the platform
 * exemption of every other detection uses the same list.
 */
export function trustedPrefixes(cfg: DetectConfig): string[] {
  const { detection, parameter } = TRUSTED_CIDRS_PARAMETER;
  const raw = cfg.parameters[detection]?.[parameter] ?? library().find((d) => d.id === detection)?.parameters.find((p) => p.name === parameter)?.default ?? [];
  const v = parseParameterValue('cidrs', raw);
  if (!v.ok) throw new Error(`detect.parameters.${detection}.${parameter}: ${v.message}`);
  return (v.value as string[]).map((c) => cidrPrefix(c)!);
}

// Overrides were checked by the job-file schema; this only converts.
const durationMs = (v: unknown): number => parseDuration(String(v))!;

/** One detection, one statement: its SELECT wrapped into an INSERT of evidence rows. */
async function insertEvidence(conn: DuckDBConnection, d: LoadedDetection, params: Record<string, ParameterValue>, now: Date): Promise<void> {
  const values: Record<string, DuckDBValue> = { kt_detection: d.id, kt_title: d.title };
  const types: Record<string, DuckDBType> = { kt_detection: VARCHAR, kt_title: VARCHAR };
  for (const name of referencedParameters(d.sql)) {
    if (name === 'now') {
      values.now = timestampTZValue(BigInt(now.getTime()) * 1000n);
      types.now = TIMESTAMPTZ;
      continue;
    }
    const spec = d.parameters.find((p) => p.name === name)!;
    const v = duckdbValue(spec.type, params[name]!);
    values[name] = v.value;
    types[name] = v.type;
  }
  await conn.run(
    `INSERT INTO kt_evidence (detection_id, cluster, audit_id, event_time, group_key, summary)
     SELECT $kt_detection, CAST(d.cluster AS VARCHAR), CAST(d.audit_id AS VARCHAR), CAST(d.event_time AS TIMESTAMPTZ),
            coalesce(CAST(d.group_key AS VARCHAR), ''), coalesce(CAST(d.summary AS VARCHAR), $kt_title)
     FROM (
${d.sql}
     ) d
     WHERE d.cluster IS NOT NULL AND d.audit_id IS NOT NULL AND d.event_time IS NOT NULL`,
    values,
    types,
  );
}
