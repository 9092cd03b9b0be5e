/**
 * One mapping for API and file import: real GKE entries (shared/data/elastic/gcp-audit, as gcloud
 * prints them) are imported from a file and pulled through the double (which encodes their AuditLog to
 * protobuf); every audit_events column but the provenance ones must come out the same.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { pullCluster } from '../../src/pipeline/pull-cluster.js';
import { filesSource } from '../../src/sources/files/files-source.js';
import type { GkeEntry } from '../fakes/gke-entries.js';
import { SHARED_DATA } from '../helpers/workspace.js';
import { Harness } from './harness.js';

const DATA = join(SHARED_DATA, 'elastic', 'gcp-audit');
let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

function samples(): GkeEntry[] {
  const lines = ['test-audit.log.k8s-subset.jsonl', 'test-k8s-nonmatching-resourcename.log'].flatMap((f) =>
    readFileSync(join(DATA, f), 'utf8').split('\n').filter((l) => l.trim()),
  );
  // The samples name two projects and clusters; ours puts them in one cluster of one project.
  return lines.map((l) => {
    const e = JSON.parse(l) as GkeEntry & { resource: { labels: Record<string, string> } };
    e.logName = e.logName.replace(/^projects\/[^/]+\//, 'projects/elastic-siem/');
    e.resource.labels = { ...e.resource.labels, project_id: 'elastic-siem', cluster_name: 'analysis-cluster', location: 'us-central1-a' };
    return e;
  });
}

it('lands the same columns from the API and from a gcloud export', async () => {
  const entries = samples();
  expect(entries.length).toBe(6);
  h.fake.addEntries(entries);
  const file = join(h.dir, 'export.jsonl');
  writeFileSync(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');

  const cluster = h.cluster({ name: 'api', cluster: 'analysis-cluster', project: 'elastic-siem', location: 'us-central1-a' });
  const [api] = await h.pull([cluster], { now: new Date('2021-05-01T00:00:00Z'), window: { since: new Date('2020-01-01T00:00:00Z') } });
  expect(api!.error).toBeUndefined();
  const imp = await pullCluster(h.db, { name: 'file', provider: 'gke' }, filesSource({ paths: [file], mode: 'import' }), {
    runId: 'import-1',
    log: silentLogger(),
    stagingDir: h.staging,
    step: 'import',
  });
  expect(imp.error).toBeUndefined();
  expect(api!.counts.landed).toBe(6);
  expect(imp.counts.landed).toBe(6);

  const PROVENANCE = ['cluster', 'run_id', 'landed_at', 'source', 'source_line', 'source_item', 'envelope_record'];
  const cols = (await h.query(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'audit_events' ORDER BY ordinal_position`))
    .map((r) => String(r.c))
    .filter((c) => !PROVENANCE.includes(c));
  const read = async (c: string) => h.query(`SELECT ${cols.join(', ')} FROM audit_events WHERE cluster = $1 ORDER BY provider_event_id`, [c]);
  const [fromApi, fromFile] = [await read('api'), await read('file')];
  expect(fromApi.length).toBe(6);
  for (let i = 0; i < fromApi.length; i++) {
    for (const c of cols) expect({ row: i, col: c, v: fromApi[i]![c] }).toEqual({ row: i, col: c, v: fromFile[i]![c] });
  }
  // And a few known values from the sample, so the two sides are not both wrong the same way.
  const probe = fromApi.find((r) => r.provider_event_id === 'k8s-nonmatch-0001')!;
  expect([probe.user_name, probe.response_code, probe.decision, probe.user_agent]).toEqual(['system:anonymous', 403, 'forbid', 'Mozilla/5.0']);
  const sar = fromApi.find((r) => r.provider_event_id === '87efd529-6349-45d2-b905-fc607e6c5d3b')!;
  expect(JSON.parse(String(sar.response_object)).status).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' });
  expect(sar.ingested_at).toBe('2020-08-05 21:07:32.157698+00');
});
