/**
 * Landing one staged file: normalise it, insert the new events, quarantine what cannot be read, and
 * commit the source's cursor with them, in one transaction. A crash at any point leaves either all of it
 * or none of it; a rerun re-stages from the last committed cursor and the anti-join drops what landed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { recordsSql, rowsSql } from '../normalise/normalise.js';
import type { StageFile } from './stage.js';

export interface LandTarget {
  cluster: string;
  provider: string;
  runId: string;
}

/** A pull_state row to write with the data (the source's cursor after this batch). */
export interface StateUpdate {
  stream: string;
  state: unknown;
  formatVersion?: number;
}

export interface EnvelopeCounts {
  landed: number;
  duplicates: number;
  skipped: number;
  quarantined: number;
}

export interface LandCounts extends EnvelopeCounts {
  /** Records read from the source (batches count as their elements). */
  records: number;
  byEnvelope: Record<string, EnvelopeCounts>;
  /** Why records were skipped (not audit data), with how many. */
  skipReasons: Record<string, number>;
  /** Latest event time landed, for freshness reporting. */
  newestEvent: string | null;
}

export const emptyCounts = (): LandCounts => ({
  records: 0,
  landed: 0,
  duplicates: 0,
  skipped: 0,
  quarantined: 0,
  byEnvelope: {},
  skipReasons: {},
  newestEvent: null,
});

export function addCounts(into: LandCounts, c: LandCounts): LandCounts {
  into.records += c.records;
  into.landed += c.landed;
  into.duplicates += c.duplicates;
  into.skipped += c.skipped;
  into.quarantined += c.quarantined;
  for (const [k, v] of Object.entries(c.byEnvelope)) {
    const t = (into.byEnvelope[k] ??= { landed: 0, duplicates: 0, skipped: 0, quarantined: 0 });
    t.landed += v.landed;
    t.duplicates += v.duplicates;
    t.skipped += v.skipped;
    t.quarantined += v.quarantined;
  }
  for (const [k, v] of Object.entries(c.skipReasons)) into.skipReasons[k] = (into.skipReasons[k] ?? 0) + v;
  if (c.newestEvent && (!into.newestEvent || c.newestEvent > into.newestEvent)) into.newestEvent = c.newestEvent;
  return into;
}

let eventColumns: string[] | undefined;
async function auditEventColumns(conn: DuckDBConnection): Promise<string[]> {
  eventColumns ??= (
    await conn.runAndReadAll(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_events' AND table_schema = 'main' ORDER BY ordinal_position`,
    )
  )
    .getRows()
    .map((r) => String(r[0]));
  return eventColumns;
}

// Columns the lander fills itself rather than the normaliser.
const LANDER_COLUMNS: Record<string, string> = {
  run_id: '$run_id',
  landed_at: 'now()',
  source: '$sources[s + 1]',
  source_line: 'l',
  source_item: 'i',
};

/**
 * Land a closed stage file for one cluster, with the state updates that describe what it covers.
 * The caller owns the stage file (and removes it afterwards).
 */
export async function land(
  conn: DuckDBConnection,
  stage: StageFile,
  target: LandTarget,
  state: readonly StateUpdate[],
): Promise<LandCounts> {
  stage.close();
  const counts = emptyCounts();
  const sources = listValue([...stage.sourceLocations]);
  const cols = await auditEventColumns(conn);
  await conn.run('BEGIN TRANSACTION');
  try {
    if (stage.count > 0) {
      await conn.run(recordsSql(), [stage.path]);
      await conn.run(rowsSql(), { cluster: target.cluster, provider: target.provider });

      // Records whose staged line DuckDB could not parse: not JSON. Find them by their missing sequence number.
      const seen = await conn.runAndReadAll(`SELECT DISTINCT q FROM kt_records`);
      const present = new Set(seen.getRows().map((r) => Number(r[0])));
      const missing: number[] = [];
      for (let q = 0; q < stage.count; q++) if (!present.has(q)) missing.push(q);
      if (missing.length) {
        const stmt = await conn.prepare(
          `INSERT INTO quarantine (run_id, cluster, source, source_line, reason, raw, raw_bytes, quarantined_at)
           VALUES ($1, $2, $3, $4, $5, kt_safe_raw($6), $7, now())`,
        );
        for (const f of stage.explain(missing)) {
          stmt.bind([target.runId, target.cluster, stage.sourceLocations[f.source] ?? null, f.line, f.reason, f.text, Buffer.byteLength(f.text)]);
          await stmt.run();
        }
        counts.quarantined += missing.length;
        counts.records += missing.length;
        bump(counts.byEnvelope, 'unparsed', 'quarantined', missing.length);
      }

      // A bad record read again (an overlapping window, a rerun) is already in quarantine: count it as a duplicate.
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE kt_qdup AS
         SELECT b.q, coalesce(b.i, -1) AS i FROM kt_rows b
         WHERE b.fate = 'quarantine' AND EXISTS (
           SELECT 1 FROM quarantine x
           WHERE x.cluster = $cluster AND x.source IS NOT DISTINCT FROM $sources[b.s + 1] AND x.source_line IS NOT DISTINCT FROM b.l
             AND x.source_item IS NOT DISTINCT FROM b.i AND x.reason = b.reason
             AND x.raw IS NOT DISTINCT FROM kt_safe_raw(coalesce(b.t, CAST(b.r AS VARCHAR))))`,
        { cluster: target.cluster, sources },
      );
      await conn.run(
        `INSERT INTO quarantine (run_id, cluster, source, source_line, source_item, envelope, reason, raw, raw_bytes, quarantined_at)
         SELECT $run_id, $cluster, $sources[s + 1], l, i, envelope, reason,
                kt_safe_raw(coalesce(t, CAST(r AS VARCHAR))), length(coalesce(t, CAST(r AS VARCHAR))), now()
         FROM kt_rows b WHERE fate = 'quarantine' AND NOT EXISTS (SELECT 1 FROM kt_qdup d WHERE d.q = b.q AND d.i = coalesce(b.i, -1))`,
        { run_id: target.runId, cluster: target.cluster, sources },
      );

      // Already landed (by an earlier run or an overlapping window), or twice in this batch.
      const range = (
        await conn.runAndReadAll(`SELECT min(event_time)::VARCHAR, max(event_time)::VARCHAR FROM kt_rows WHERE fate = 'land'`)
      ).getRows()[0]!;
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE kt_dup AS
         SELECT b.q, coalesce(b.i, -1) AS i FROM kt_rows b
         WHERE b.fate = 'land' AND EXISTS (
           SELECT 1 FROM audit_events a
           WHERE a.cluster = $cluster AND a.event_time BETWEEN CAST($lo AS TIMESTAMPTZ) AND CAST($hi AS TIMESTAMPTZ)
             AND a.audit_id = b.audit_id AND a.stage = b.stage)
         UNION
         SELECT q, coalesce(i, -1) FROM (
           SELECT q, i, row_number() OVER (PARTITION BY audit_id, stage ORDER BY q, i) AS n FROM kt_rows WHERE fate = 'land')
         WHERE n > 1`,
        { cluster: target.cluster, lo: range[0] === null ? null : String(range[0]), hi: range[1] === null ? null : String(range[1]) },
      );
      const select = cols.map((c) => `${LANDER_COLUMNS[c] ?? `b.${c}`} AS ${c}`).join(', ');
      const inserted = await conn.run(
        `INSERT INTO audit_events BY NAME
         SELECT ${select} FROM kt_rows b
         WHERE b.fate = 'land' AND NOT EXISTS (SELECT 1 FROM kt_dup d WHERE d.q = b.q AND d.i = coalesce(b.i, -1))`,
        { run_id: target.runId, sources },
      );
      counts.landed = inserted.rowsChanged;
      if (counts.landed > 0) counts.newestEvent = String(range[1]);

      const fates = await conn.runAndReadAll(
        `SELECT coalesce(b.envelope, 'unknown'), CASE WHEN d.q IS NOT NULL OR qd.q IS NOT NULL THEN 'duplicate' ELSE b.fate END, b.reason, count(*)
         FROM kt_rows b LEFT JOIN kt_dup d ON d.q = b.q AND d.i = coalesce(b.i, -1)
           LEFT JOIN kt_qdup qd ON qd.q = b.q AND qd.i = coalesce(b.i, -1)
         GROUP BY ALL`,
      );
      for (const [env, fate, reason, n] of fates.getRows()) {
        const k = String(env);
        const c = Number(n);
        counts.records += c;
        if (fate === 'land') bump(counts.byEnvelope, k, 'landed', c);
        else if (fate === 'duplicate') {
          counts.duplicates += c;
          bump(counts.byEnvelope, k, 'duplicates', c);
        } else if (fate === 'skip') {
          counts.skipped += c;
          bump(counts.byEnvelope, k, 'skipped', c);
          counts.skipReasons[String(reason)] = (counts.skipReasons[String(reason)] ?? 0) + c;
        } else {
          counts.quarantined += c;
          bump(counts.byEnvelope, k, 'quarantined', c);
        }
      }
      await conn.run('DROP TABLE IF EXISTS kt_dup');
      await conn.run('DROP TABLE IF EXISTS kt_qdup');
      await conn.run('DROP TABLE IF EXISTS kt_rows');
      await conn.run('DROP TABLE IF EXISTS kt_records');
    }
    for (const u of state) {
      await conn.run(
        `INSERT OR REPLACE INTO pull_state (cluster, stream, state, format_version, run_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())`,
        [target.cluster, u.stream, JSON.stringify(u.state), u.formatVersion ?? 1, target.runId],
      );
    }
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return counts;
}

function bump(m: Record<string, EnvelopeCounts>, k: string, f: keyof EnvelopeCounts, n: number): void {
  const t = (m[k] ??= { landed: 0, duplicates: 0, skipped: 0, quarantined: 0 });
  t[f] += n;
}
