import { describe, expect, it } from 'vitest';
import { jobFileSchema } from '../job-file.js';
import { thresholdsFor } from '../../coverage/clusters.js';
import type { LoadedJob } from '../load.js';

const base = { database: 'x.duckdb', clusters: [{ name: 'onprem', provider: 'files', paths: ['/a'] }, { name: 'prod', provider: 'eks', region: 'eu-west-1', cluster: 'prod' }] };
const job = (coverage: unknown): LoadedJob => ({ path: 'j.yaml', job: jobFileSchema.parse({ ...base, coverage }), resolvePath: (p) => p });

describe('coverage section', () => {
  it('applies the defaults when the section is absent', () => {
    expect(thresholdsFor(job(undefined), 'prod', 'eks')).toEqual({
      windowMs: 7 * 86400e3, retentionTargetDays: 90, gapHours: 2, minEventsPerHour: 5, minEventsPerDay: 50, minRequests: 50,
      freshnessSeconds: 1800, lagP95Seconds: 600, minReadShare: 0.01, minBodyShare: 0.8, minPodAttribution: 0.9, maxTruncated: 0,
    });
    expect(thresholdsFor(job(undefined), 'onprem', 'files').freshnessSeconds).toBe(7200);
  });

  it('takes durations, per-provider values and per-cluster overrides, most specific first', () => {
    const j = job({ retentionTarget: '365d', freshness: { eks: '1h' }, clusters: { onprem: { retentionTarget: '30d', gapHours: 4 } } });
    expect(thresholdsFor(j, 'prod', 'eks')).toMatchObject({ retentionTargetDays: 365, freshnessSeconds: 3600, gapHours: 2 });
    expect(thresholdsFor(j, 'onprem', 'files')).toMatchObject({ retentionTargetDays: 30, freshnessSeconds: 7200, gapHours: 4 });
  });

  it('rejects unknown keys, bad durations, shares out of range and overrides for clusters not in the file', () => {
    const issues = (coverage: unknown) => {
      const r = jobFileSchema.safeParse({ ...base, coverage });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ retentiontarget: '90d' })).toEqual([expect.stringMatching(/retentiontarget/)]);
    expect(issues({ window: 'a week' })).toEqual([expect.stringMatching(/^coverage\.window: "a week" is not a duration/)]);
    expect(issues({ minBodyShare: 80 })).toEqual([expect.stringMatching(/^coverage\.minBodyShare:/)]);
    expect(issues({ freshness: { eksx: '1h' } })).toEqual([expect.stringMatching(/eksx/)]);
    expect(issues({ clusters: { prdo: { gapHours: 3 } } })).toEqual(['coverage.clusters.prdo: "prdo" is not a cluster in this file (clusters: onprem, prod)']);
  });
});
