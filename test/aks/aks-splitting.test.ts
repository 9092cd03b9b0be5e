/**
 * Windows the service cannot answer at once: a partial result (row or byte cap), a silent truncation,
 * rows that cannot be divided at all, and a failure part-way through a pull followed by a rerun.
 * Each case checks that every row lands exactly once and that nothing from a refused answer is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { diagnosticsRow, micros, syntheticEvents, tableRow } from '../fakes/aks-rows.js';
import { clusterId, harness, WORKSPACE_ID, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const RID = clusterId('prod');
const T0 = Date.parse('2026-04-01T00:00:00Z');
const NOW = new Date(T0 + 3 * 3600e3);
const cluster = { name: 'prod', resourceId: RID, lookback: '1d' };

/** Ingestion time (ms) of each seeded event: TimeGenerated + 60 s (the rows' default delay). */
const ingested = new Map<string, number>();

function seed(h: Harness, count: number, tag = 'split'): string[] {
  const evs = syntheticEvents(tag, count, T0 * 1000, 2 * 3600e6);
  h.fake.addRows(WORKSPACE_ID, evs.map((e) => tableRow(e, 'AKSAudit', { resourceId: RID })));
  for (const e of evs) ingested.set(e.auditID, micros(e.stageTimestamp!) / 1000 + 60e3);
  return evs.map((e) => e.auditID);
}

async function landedIds(h: Harness): Promise<string[]> {
  return (await h.rows<{ audit_id: string }>(`SELECT audit_id FROM audit_events WHERE cluster = 'prod' ORDER BY audit_id`)).map((r) => r.audit_id);
}

describe('AKS windows over the service caps', () => {
  it('a partial result (row cap) makes the source divide the window; no partial row is kept', async () => {
    h = await harness({ maxRows: 120 });
    const ids = seed(h, 1000);
    // The source assumes the real 500,000-row cap, so its first read of the whole window comes back partial.
    const r = await h.pull(cluster, { now: NOW });
    expect(r.error).toBeUndefined();
    expect(r.counts.records).toBe(1000); // rows of partial answers never reached the sink
    expect(r.counts.landed).toBe(1000);
    expect(r.counts.duplicates).toBe(0);
    expect(await landedIds(h)).toEqual([...ids].sort());
    const data = h.fake.queries().filter((q) => q.query?.includes('| project'));
    expect(data.filter((q) => q.partial).length).toBeGreaterThanOrEqual(1);
    expect(r.stats.split).toBeGreaterThanOrEqual(1);
    // After a refusal the source plans by size bins with the cap it learned (90% of the 120 rows the
    // partial answer carried): few refused answers, and reads close to ceil(1000 / 108).
    expect(h.fake.queries().filter((q) => q.partial).length).toBeLessThanOrEqual(3);
    expect(data.length).toBeLessThanOrEqual(Math.ceil(1000 / 108) + 3);
    expect(h.fake.violations()).toEqual([]);
  });

  it('a partial result from the byte cap is divided the same way', async () => {
    h = await harness({ maxBytes: 200 * 1024 });
    const ids = seed(h, 1000);
    const r = await h.pull(cluster, { now: NOW });
    expect(r.error).toBeUndefined();
    expect(r.counts.records).toBe(1000);
    expect(await landedIds(h)).toEqual([...ids].sort());
    expect(h.fake.queries().some((q) => q.partial)).toBe(true);
  });

  it('a silently truncated answer (exactly the row cap, no error) is divided, not trusted', async () => {
    h = await harness({ maxRows: 100, truncateSilently: true });
    const ids = seed(h, 1000);
    const r = await h.pull(cluster, { now: NOW, source: { caps: { rows: 100 } } });
    expect(r.error).toBeUndefined();
    expect(r.counts.records).toBe(1000);
    expect(r.counts.landed).toBe(1000);
    expect(await landedIds(h)).toEqual([...ids].sort());
    expect(Number(r.stats.split)).toBeGreaterThanOrEqual(1);
  });

  it('rows that cannot be divided below the cap fail the pull with the reason; nothing is landed or committed', async () => {
    h = await harness({ maxRows: 100 });
    // 300 rows generated and ingested in the same microsecond.
    const evs = syntheticEvents('same-instant', 300, T0 * 1000, 0);
    h.fake.addRows(WORKSPACE_ID, evs.map((e) => tableRow(e, 'AKSAudit', { resourceId: RID, ingestedAt: T0 * 1000 + 60e6 })));
    const r = await h.pull(cluster, { now: NOW });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^prod \(aks\): AKSAudit rows at ingestion time .* cannot be read within the service's limits even one millisecond at a time \(partial result/);
    expect(r.counts.landed).toBe(0);
    expect(await landedIds(h)).toEqual([]);
    expect(await h.rows(`SELECT * FROM pull_state WHERE cluster = 'prod'`)).toEqual([]);
  });

  it('a pull that fails part-way keeps what it committed; the rerun lands the rest, each row once', async () => {
    h = await harness();
    const ids = seed(h, 2000);
    // Small queries and small batches: several commits before the failure.
    const small = { source: { targets: { rows: 150 } }, checkpointBytes: 64 * 1024 };
    h.fake.failNext({
      match: /\| project/,
      skip: 6,
      status: 403,
      body: { error: { code: 'InsufficientAccessError', message: 'The provided credentials have insufficient access to perform the requested operation' } },
    });
    const first = await h.pull(cluster, { now: NOW, ...small });
    expect(first.status).toBe('failed');
    expect(first.error).toMatch(/Log Analytics Reader on the workspace/);
    const partial = await landedIds(h);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(2000);
    // The cursor committed with those rows says how far they go: every row ingested before it has landed.
    const [state] = await h.rows<{ state: string }>(`SELECT CAST(state AS VARCHAR) AS state FROM pull_state WHERE cluster = 'prod'`);
    const cursor = Date.parse((JSON.parse(state!.state) as { ingested_before: string }).ingested_before);
    const before = h.fake.queries().length;
    expect(cursor).toBeGreaterThan(T0);
    expect(partial).toEqual(ids.filter((id) => ingested.get(id)! < cursor).sort());

    const second = await h.pull(cluster, { now: NOW, ...small });
    expect(second.error).toBeUndefined();
    expect(await landedIds(h)).toEqual([...ids].sort());
    expect(first.counts.landed + second.counts.landed).toBe(2000);
    // The rerun started from the cursor (minus the overlap), not from the beginning.
    const rerunFrom = h.fake
      .queries()
      .slice(before)
      .filter((q) => q.query?.startsWith('AKSAudit\n'))
      .map((q) => /ingestion_time\(\) >= datetime\(([^)]+)\)/.exec(q.query ?? '')?.[1])
      .filter((x): x is string => !!x)
      .map(Date.parse);
    expect(Math.min(...rerunFrom)).toBe(cursor - 2 * 60e3);
  });

  it('a failure in the second table keeps the first table\'s cursor at its end, committed with the later batches', async () => {
    h = await harness();
    const evs = syntheticEvents('two-tables', 1000, T0 * 1000, 2 * 3600e6);
    h.fake.addRows(WORKSPACE_ID, [
      ...evs.slice(0, 500).map((e) => tableRow(e, 'AKSAudit', { resourceId: RID })),
      ...evs.slice(500).map((e) => diagnosticsRow(e, 'kube-audit', { resourceId: RID })),
    ]);
    h.fake.failNext({ match: /^AzureDiagnostics\n[\s\S]*\| project/, skip: 3, status: 403, body: { error: { code: 'Forbidden', message: 'no' } } });
    const small = { source: { targets: { rows: 100 } }, checkpointBytes: 32 * 1024 };
    const first = await h.pull(cluster, { now: NOW, ...small });
    expect(first.status).toBe('failed');
    const state = await h.rows<{ stream: string; state: string }>(`SELECT stream, CAST(state AS VARCHAR) AS state FROM pull_state WHERE cluster = 'prod' ORDER BY stream`);
    const at = (table: string): number | undefined => {
      const row = state.find((r) => r.stream.endsWith(`:${table}`));
      return row && Date.parse((JSON.parse(row.state) as { ingested_before: string }).ingested_before);
    };
    expect(at('AKSAudit')).toBe(NOW.getTime() - 5 * 60e3);
    expect(at('AzureDiagnostics')).toBeLessThan(NOW.getTime() - 5 * 60e3);
    const second = await h.pull(cluster, { now: NOW, ...small });
    expect(second.error).toBeUndefined();
    expect(await landedIds(h)).toEqual(evs.map((e) => e.auditID).sort());
    // The rerun did not read AKSAudit's rows again.
    expect(second.counts.records - second.counts.duplicates).toBe(1000 - first.counts.landed);
    const failedAt = h.fake.queries().findIndex((q) => q.status === 403);
    expect(h.fake.queries().slice(failedAt + 1).filter((q) => q.query?.startsWith('AKSAudit\n') && q.query.includes('| project'))).toEqual([]);
  });
});
