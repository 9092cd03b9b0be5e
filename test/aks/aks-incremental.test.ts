/**
 * Incremental pulls by ingestion time: the first run's look-back, the cursor committed with the rows,
 * rows that arrive late (old TimeGenerated, new ingestion time), reruns, --since/--until backfills that
 * leave the cursor alone, and an empty workspace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { micros, syntheticEvents, tableRow, type AuditEvent } from '../fakes/aks-rows.js';
import { clusterId, fact, harness, WORKSPACE_ID, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const RID = clusterId('prod');
const HOUR = 3600e3;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const cluster = { name: 'prod', resourceId: RID, lookback: '6h', lateness: '2h' };

const ids = async (h: Harness): Promise<string[]> =>
  (await h.rows<{ audit_id: string }>(`SELECT audit_id FROM audit_events WHERE cluster = 'prod' ORDER BY audit_id`)).map((r) => r.audit_id);

async function cursor(h: Harness): Promise<{ stream: string; state: { format_version: number; table: string; ingested_before: string }; format_version: number }[]> {
  const rows = await h.rows<{ stream: string; state: string; format_version: number }>(
    `SELECT stream, CAST(state AS VARCHAR) AS state, format_version FROM pull_state WHERE cluster = 'prod' ORDER BY stream`,
  );
  return rows.map((r) => ({ ...r, state: JSON.parse(r.state) }));
}

/** Events at `atMs` + i seconds, ingested `delayMs` after they happened (or at `ingestedMs`). */
function add(h: Harness, tag: string, count: number, atMs: number, o: { delayMs?: number; ingestedMs?: number } = {}): AuditEvent[] {
  const evs = syntheticEvents(tag, count, atMs * 1000, count * 1e6);
  h.fake.addRows(
    WORKSPACE_ID,
    evs.map((e) => tableRow(e, 'AKSAudit', { resourceId: RID, delayMs: o.delayMs, ingestedAt: o.ingestedMs === undefined ? undefined : o.ingestedMs * 1000 })),
  );
  return evs;
}
const sorted = (evs: AuditEvent[]): string[] => evs.map((e) => e.auditID).sort();

describe('AKS incremental pulls', () => {
  it('first run reads `lookback` of ingestion time and commits the cursor at now - settle', async () => {
    h = await harness();
    add(h, 'too-old', 20, T0 - 8 * HOUR); // ingested more than 6h before the run: outside the look-back
    const recent = add(h, 'recent', 50, T0 - 2 * HOUR);
    add(h, 'settling', 10, T0 - 3 * 60e3, { delayMs: 1000 }); // ingested 2 min ago: left for the next run
    const r = await h.pull(cluster, { now: new Date(T0) });
    expect(r.error).toBeUndefined();
    expect(await ids(h)).toEqual(sorted(recent));
    const [c] = await cursor(h);
    expect(c).toEqual({
      stream: `loganalytics:${WORKSPACE_ID}:AKSAudit`,
      state: { format_version: 1, table: 'AKSAudit', ingested_before: new Date(T0 - 5 * 60e3).toISOString() },
      format_version: 1,
    });
  });

  it('late rows (old TimeGenerated, ingested after the last run) are caught by the next run; nothing lands twice', async () => {
    h = await harness();
    const first = add(h, 'first', 100, T0 - 3 * HOUR);
    const r1 = await h.pull(cluster, { now: new Date(T0) });
    expect(r1.counts.landed).toBe(100);

    // Between the runs: events from 90 minutes before the first run, delivered only now, plus new ones.
    const late = add(h, 'late', 30, T0 - 90 * 60e3, { ingestedMs: T0 + 20 * 60e3 });
    const fresh = add(h, 'fresh', 40, T0 + 10 * 60e3);
    // Too late for incremental pulls: delivered 3h after it happened, beyond `lateness` (2h).
    const tooLate = add(h, 'too-late', 5, T0 - 2 * HOUR - 30 * 60e3, { ingestedMs: T0 + 50 * 60e3 });
    const r2 = await h.pull(cluster, { now: new Date(T0 + HOUR) });
    expect(r2.error).toBeUndefined();
    expect(r2.counts.landed).toBe(70);
    expect(await ids(h)).toEqual(sorted([...first, ...late, ...fresh]));
    const [c] = await cursor(h);
    expect(c!.state.ingested_before).toBe(new Date(T0 + HOUR - 5 * 60e3).toISOString());

    // The same run again: nothing new, and the rows in the overlap are dropped as duplicates.
    const r3 = await h.pull(cluster, { now: new Date(T0 + HOUR) });
    expect(r3.counts.landed).toBe(0);
    expect(await ids(h)).toEqual(sorted([...first, ...late, ...fresh]));

    // A backfill reads by TimeGenerated and finds what was delivered too late; the cursor stays.
    const r4 = await h.pull(cluster, { now: new Date(T0 + HOUR), window: { since: new Date(T0 - 4 * HOUR), until: new Date(T0) } });
    expect(r4.error).toBeUndefined();
    expect(r4.stats.mode).toBe('backfill');
    expect(r4.counts.landed).toBe(tooLate.length);
    expect(await ids(h)).toEqual(sorted([...first, ...late, ...fresh, ...tooLate]));
    expect((await cursor(h))[0]!.state.ingested_before).toBe(c!.state.ingested_before);
  });

  it('a backfill before the first incremental run leaves no cursor, and the next run still starts from lookback', async () => {
    h = await harness();
    const old = add(h, 'old', 30, T0 - 30 * HOUR);
    const recent = add(h, 'recent', 20, T0 - HOUR);
    const r = await h.pull(cluster, { now: new Date(T0), window: { since: new Date(T0 - 2 * 86400e3) } });
    expect(r.error).toBeUndefined();
    expect(r.counts.landed).toBe(50);
    expect(await cursor(h)).toEqual([]);
    const r2 = await h.pull(cluster, { now: new Date(T0) });
    expect(r2.counts.landed).toBe(0);
    expect(r2.counts.duplicates).toBe(recent.length);
    expect(await ids(h)).toEqual(sorted([...old, ...recent]));
    expect((await cursor(h)).map((c) => c.state.ingested_before)).toEqual([new Date(T0 - 5 * 60e3).toISOString()]);
  });

  it('an empty workspace (no audit table at all) is a successful pull of nothing, and the posture says why', async () => {
    h = await harness();
    const r = await h.pull(cluster, { now: new Date(T0) });
    expect(r.status).toBe('ok');
    expect(r.counts.records).toBe(0);
    expect(r.stats.tables_missing).toBe('AKSAudit,AKSAuditAdmin,AzureDiagnostics');
    expect(await cursor(h)).toEqual([]);
    // No table and no diagnostic setting: no audit_table fact; the rows-by-table fact says why.
    expect(await fact(h, 'prod', 'audit_table')).toBeUndefined();
    expect(await fact(h, 'prod', 'audit_rows_by_table')).toMatchObject({
      status: 'known',
      value: { rows_in_window: {}, reads_collected: null, missing_tables: ['AKSAudit', 'AKSAuditAdmin', 'AzureDiagnostics'] },
    });
  });

  it('a table with no rows for this cluster (another cluster\'s only) moves its cursor without reading', async () => {
    h = await harness();
    h.fake.addRows(WORKSPACE_ID, syntheticEvents('other', 10, (T0 - HOUR) * 1000, 10e6).map((e) => tableRow(e, 'AKSAudit', { resourceId: clusterId('other') })));
    const r = await h.pull(cluster, { now: new Date(T0) });
    expect(r.counts.records).toBe(0);
    expect(r.stats.data_queries).toBe(0);
    expect((await cursor(h)).map((c) => c.stream)).toEqual([`loganalytics:${WORKSPACE_ID}:AKSAudit`]);
  });

  it('a cursor written by a newer kubetrail stops the pull with a message instead of guessing', async () => {
    h = await harness();
    add(h, 'x', 5, T0 - HOUR);
    const conn = await h.db.connect();
    await conn.run(
      `INSERT INTO pull_state VALUES ('prod', 'loganalytics:${WORKSPACE_ID}:AKSAudit', '{"format_version":9,"ingested_before":"2026-01-01T00:00:00Z"}', 9, 'r0', now())`,
    );
    conn.closeSync();
    const r = await h.pull(cluster, { now: new Date(T0) });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^prod \(aks\): pull_state stream loganalytics:.*:AKSAudit: the saved position for AKSAudit was written by a newer kubetrail/);
  });

  it('stage and request times keep their microseconds, ingestion time is the row\'s', async () => {
    h = await harness();
    const [e] = add(h, 'precise', 1, T0 - HOUR, { ingestedMs: T0 - HOUR + 42_123 });
    await h.pull(cluster, { now: new Date(T0) });
    const [row] = await h.rows<{ s: string; r: string; i: string }>(
      `SELECT CAST(epoch_us(stage_at) AS VARCHAR) s, CAST(epoch_us(request_received_at) AS VARCHAR) r, CAST(epoch_us(ingested_at) AS VARCHAR) i FROM audit_events`,
    );
    expect(row).toEqual({ s: String(micros(e!.stageTimestamp!)), r: String(micros(e!.requestReceivedTimestamp!)), i: String((T0 - HOUR + 42_123) * 1000) });
  });
});
