import { describe, expect, it } from 'vitest';
import { kqlDatetime, kqlString, rowsQuery, sizeQuery } from './kql.js';

describe('kql', () => {
  it('quotes values so that nothing from the job file can change the query', () => {
    expect(kqlString("/subscriptions/x/resourceGroups/it's/providers/a\\b")).toBe("'/subscriptions/x/resourceGroups/it\\'s/providers/a\\\\b'");
    expect(() => kqlString('a\nb')).toThrow(/control character/);
  });

  it('datetimes are ISO literals', () => {
    expect(kqlDatetime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('datetime(2026-01-02T03:04:05.006Z)');
  });

  it('reads one cluster by ingestion time, selecting only what the normaliser reads, datetimes as text', () => {
    const q = rowsQuery('AKSAudit', '/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/c', {
      ing: [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 1)],
      gen: [0, 1],
    });
    expect(q).toBe(
      [
        'AKSAudit',
        "| where _ResourceId =~ '/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/c'",
        '| where ingestion_time() >= datetime(2026-01-01T00:00:00.000Z) and ingestion_time() < datetime(2026-01-01T01:00:00.000Z)',
        '| project TimeGenerated = tostring(TimeGenerated), IngestionTime = tostring(ingestion_time()), AuditId, Level, Stage, RequestUri, Verb, User, SourceIps, UserAgent, ObjectRef, ResponseStatus, RequestObject, ResponseObject, Annotations, Type, PodName, _ResourceId, RequestReceivedTime = tostring(RequestReceivedTime), StageReceivedTime = tostring(StageReceivedTime)',
      ].join('\n'),
    );
  });

  it('AzureDiagnostics: audit categories only, log_s and Category', () => {
    const q = rowsQuery('AzureDiagnostics', '/r', { gen: [0, 1], ingBefore: Date.UTC(2026, 0, 1) });
    expect(q).toContain("| where Category in~ ('kube-audit', 'kube-audit-admin')");
    expect(q).toContain('| where ingestion_time() < datetime(2026-01-01T00:00:00.000Z)');
    expect(q.endsWith('| project TimeGenerated = tostring(TimeGenerated), IngestionTime = tostring(ingestion_time()), Category, log_s, pod_s, _ResourceId')).toBe(true);
  });

  it('sizes per bin of the axis being divided', () => {
    expect(sizeQuery('AKSAuditAdmin', '/r', { gen: [0, 1], ingBefore: 5 }, 'generated', 30)).toMatch(/by Bin = bin\(TimeGenerated, 30s\)$/);
    expect(sizeQuery('AzureDiagnostics', '/r', { gen: [0, 1], ing: [0, 1] }, 'ingestion', 1)).toMatch(
      /\| summarize Rows = count\(\), Bytes = sum\(estimate_data_size\(Category, log_s, pod_s, _ResourceId\)\) by Bin = bin\(ingestion_time\(\), 1s\), Category$/,
    );
  });
});
