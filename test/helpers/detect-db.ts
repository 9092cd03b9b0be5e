/**
 * Engine tests' world: a temporary database, a job file written to disk and read by the real loader,
 * and events landed through the real pipeline (pullCluster -> Lander -> normalisers).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadJobFile, type LoadedJob } from '../../src/config/load.js';
import { completeEvent } from '../../src/detect/fixtures/cases.js';
import { wrap, type AuditEvent, type EnvelopeVariant } from '../../src/detect/fixtures/envelopes.js';
import { memorySource } from '../../src/detect/fixtures/memory-source.js';
import { silentLogger } from '../../src/log.js';
import { pullCluster } from '../../src/pipeline/pull-cluster.js';
import { Database } from '../../src/store/database.js';
import type { LandCounts } from '../../src/store/land.js';

export interface World {
  dir: string;
  db: Database;
  job: LoadedJob;
  /** Land raw Events (wrapped in an envelope) for a cluster; returns the landing counts. */
  land(cluster: string, events: AuditEvent[], variant?: EnvelopeVariant): Promise<LandCounts>;
  query<T = unknown[]>(sql: string, params?: Record<string, string | number | null>): Promise<T[]>;
  close(): void;
}

let seq = 0;

export async function world(detectYaml = ''): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-detect-test-'));
  writeFileSync(join(dir, 'job.yaml'), `database: ${join(dir, 'kt.duckdb')}\nclusters:\n  - name: c1\n    provider: files\n    paths: [${JSON.stringify(join(dir, 'none'))}]\n${detectYaml}`);
  const job = loadJobFile(join(dir, 'job.yaml'));
  const db = await Database.open(join(dir, 'kt.duckdb'));
  return {
    dir,
    db,
    job,
    async land(cluster, events, variant = 'files') {
      const provider = variant === 'aks-diagnostic' ? 'aks' : variant;
      const r = await pullCluster(db, { name: cluster, provider }, memorySource(`test:${cluster}`, events.map((e) => wrap(variant, e, cluster))), {
        runId: `land-${++seq}`,
        log: silentLogger(),
        stagingDir: dir,
        step: 'import',
      });
      if (r.status !== 'ok') throw new Error(r.error);
      return r.counts;
    },
    async query(sql, params) {
      const c = await db.connect();
      try {
        return (await c.runAndReadAll(sql, params)).getRowObjectsJson() as never;
      } finally {
        c.closeSync();
      }
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A raw Event at `at` (ISO time) with what every event carries filled in (see completeEvent). */
export function event(seed: string, at: string, e: Record<string, unknown>): AuditEvent {
  return completeEvent({ verb: 'get', ...e }, seed, Date.parse(at));
}

export const exec = (seed: string, at: string, user: string, pod = 'web-1', command = 'sh'): AuditEvent =>
  event(seed, at, {
    verb: 'create',
    user: { username: user, groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: pod },
    requestURI: `/api/v1/namespaces/default/pods/${pod}/exec?command=${command}&container=app&stdin=true&tty=true`,
    responseStatus: { code: 101 },
    sourceIPs: ['10.1.2.3'],
  });

export const secretGet = (seed: string, at: string, user: string, name: string): AuditEvent =>
  event(seed, at, { verb: 'get', user: { username: user }, objectRef: { resource: 'secrets', namespace: 'app', name } });
