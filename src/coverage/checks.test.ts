import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COVERAGE_DEFAULTS } from '../config/sections/coverage.js';
import { loadChecks } from './checks.js';

describe('loadChecks', () => {
  const checks = loadChecks();

  it('reads every check with a remediation for every provider, in report order', () => {
    expect(checks.map((c) => c.id)).toEqual([
      'audit-logging-enabled', 'reads-collected', 'retention-meets-target', 'posture-readable',
      'events-present', 'no-event-gaps', 'freshness', 'ingestion-lag', 'reads-observed', 'bodies-observed',
      'history-meets-target', 'truncated-events', 'sa-pod-attribution', 'shared-admin-identity', 'blind-detections',
    ]);
    for (const c of checks) {
      if (c.id === 'posture-readable') expect(Object.keys(c.remediation).sort()).toEqual(['aks', 'eks', 'gke']);
      else expect(Object.keys(c.remediation).sort(), c.id).toEqual(['aks', 'eks', 'files', 'gke']);
      expect(c.sql, c.id).toMatch(/^(WITH|SELECT)\b/);
    }
  });

  it('names the file and the field when a header is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-checks-'));
    try {
      writeFileSync(join(dir, 'bad-check.sql'), '-- id: bad-check\n-- title: t\n-- kind: sometimes\nSELECT 1');
      expect(() => loadChecks(dir)).toThrow(/bad-check\.sql: the check's header is not valid: kind: .*order/);
      writeFileSync(join(dir, 'bad-check.sql'), '-- id: other\n-- title: t\n-- kind: observed\n-- order: 1\n-- label: x\n-- means: m\n-- thresholds: none\n-- remediation: {}\nSELECT 1');
      expect(() => loadChecks(dir)).toThrow(/id "other" must be the file name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is documented: every check and every threshold appears in docs/coverage.md', () => {
    const doc = readFileSync(new URL('../../docs/coverage.md', import.meta.url), 'utf8');
    for (const c of checks) expect(doc, c.id).toContain(`\`${c.id}\``);
    for (const k of Object.keys(COVERAGE_DEFAULTS)) expect(doc, k).toContain(`${k}:`);
  });
});
