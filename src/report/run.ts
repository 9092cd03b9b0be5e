/**
 * `kubetrail report` (and the end of `kubetrail run`): build each report's model once, render it in every
 * format asked for, write the files atomically (a reader never sees half a report), and record the
 * report so the next findings report can mark what is new.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoadedJob } from '../config/load.js';
import { COVERAGE_DEFAULTS } from '../config/sections/coverage.js';
import { loadChecks, type CoverageCheck } from '../coverage/checks.js';
import type { Detection } from '../detect/detection.js';
import { library } from '../detect/library.js';
import { InputError, describe } from '../errors.js';
import type { Logger } from '../log.js';
import type { Database } from '../store/database.js';
import { VERSION } from '../version.js';
import { buildFindings } from './build-findings.js';
import { buildWeekly } from './build-weekly.js';
import { REPORT_SCHEMA, REPORT_SCHEMA_VERSION, type ReportHeader, type ReportModel } from './model.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderMd } from './render-md.js';

export type ReportKind = 'weekly' | 'findings';
export type ReportFormat = 'md' | 'html' | 'json';

export interface ReportOptions {
  kinds: ReportKind[];
  formats: ReportFormat[];
  outDir: string;
  /** Period covered, in ms before `now` (default: the coverage window, 7 days). */
  sinceMs?: number;
  now: Date;
  log: Logger;
  runId?: string;
  /** The detection library (default: the shipped library). */
  detections?: Detection[];
  /** The coverage checks (default: queries/coverage/). */
  checks?: CoverageCheck[];
}

const RENDER: Record<ReportFormat, (m: ReportModel) => string> = { md: renderMd, html: renderHtml, json: renderJson };

/** File name of a report: <outDir>/<kind>.<format>, overwritten by each run. */
export function reportPath(outDir: string, kind: ReportKind, format: ReportFormat): string {
  return join(outDir, `${kind}.${format}`);
}

const FORMATS: ReportFormat[] = ['md', 'html', 'json'];

/**
 * Every path a report of this kind in this directory may have been recorded under: absolute (how reports
 * are recorded) and as given (how reports were recorded before), in any format. A previous report in the
 * same directory is found whichever formats either run wrote.
 */
function seriesPaths(outDir: string, kind: ReportKind): string[] {
  return [...new Set(FORMATS.flatMap((f) => [reportPath(resolve(outDir), kind, f), reportPath(outDir, kind, f)]))];
}

/** Returns the paths written. */
export async function writeReports(db: Database, job: LoadedJob, opts: ReportOptions): Promise<string[]> {
  try {
    mkdirSync(opts.outDir, { recursive: true });
  } catch (err) {
    throw new InputError(opts.outDir, `cannot create the report directory (${describe(err)}): choose another --out`);
  }
  const detections = opts.detections ?? library();
  const checks = opts.checks ?? loadChecks();
  const sinceMs = opts.sinceMs ?? job.job.coverage?.window ?? COVERAGE_DEFAULTS.window;
  const written: string[] = [];
  const conn = await db.connect();
  try {
    for (const kind of opts.kinds) {
      const t0 = performance.now();
      const header: ReportHeader = {
        schema: REPORT_SCHEMA,
        schemaVersion: REPORT_SCHEMA_VERSION,
        reportId: `${kind}-${opts.now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`,
        generatedAt: opts.now.toISOString(),
        period: { start: new Date(opts.now.getTime() - sinceMs).toISOString(), end: opts.now.toISOString() },
        tool: { name: 'kubetrail', version: VERSION },
        runId: opts.runId ?? null,
      };
      const model =
        kind === 'weekly'
          ? await buildWeekly(conn, job, { header, checks, detections })
          : await buildFindings(conn, { header, detections, paths: seriesPaths(opts.outDir, kind) });
      const paths: string[] = [];
      for (const format of opts.formats) {
        const path = reportPath(opts.outDir, kind, format);
        writeAtomically(path, RENDER[format](model));
        paths.push(path);
      }
      await record(conn, model, paths.map((p) => resolve(p)));
      written.push(...paths);
      opts.log.debug({ kind, seconds: (performance.now() - t0) / 1000 }, 'report written');
    }
  } finally {
    conn.closeSync();
  }
  return written;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    throw new InputError(path, `cannot write the report (${describe(err)}): check the --out directory`);
  }
}

/** The reports row (absolute paths: they tell a series apart), and for a findings report the findings it listed (for "new since" next time). */
async function record(conn: Awaited<ReturnType<Database['connect']>>, model: ReportModel, paths: string[]): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(
      `INSERT INTO reports (report_id, kind, run_id, generated_at, period_start, period_end, paths)
       VALUES ($id, $kind, $run, CAST($at AS TIMESTAMPTZ), CAST($start AS TIMESTAMPTZ), CAST($end AS TIMESTAMPTZ), CAST(CAST($paths AS JSON) AS VARCHAR[]))`,
      { id: model.reportId, kind: model.kind, run: model.runId, at: model.generatedAt, start: model.period.start, end: model.period.end, paths: JSON.stringify(paths) },
    );
    if (model.kind === 'findings') {
      const items = model.detections.flatMap((d) => d.items.map((i) => ({ detection_id: d.detectionId, cluster: i.cluster, fingerprint: i.fingerprint })));
      if (items.length) {
        await conn.run(
          `INSERT OR IGNORE INTO report_findings SELECT $id, r.detection_id, r.cluster, r.fingerprint
           FROM (SELECT unnest(from_json($items, '[{"detection_id":"VARCHAR","cluster":"VARCHAR","fingerprint":"VARCHAR"}]'), recursive := true)) r`,
          { id: model.reportId, items: JSON.stringify(items) },
        );
      }
    }
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}
