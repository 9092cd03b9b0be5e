/**
 * Nothing lost, nothing twice, for detect: a `kubetrail detect` killed with SIGKILL at any point, then run
 * again, ends with the same findings, evidence and watermarks as a detect that was never interrupted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateEventsSql } from '../../bench/generate-events-sql.js';
import { Database } from '../../src/store/database.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kubetrail.js');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kt-crash-'));
  for (const name of ['crash', 'ref']) {
    writeFileSync(join(dir, `${name}.yaml`), `database: ${name}.duckdb\nclusters:\n  - {name: eks-prod, provider: files, paths: [none.log]}\n`);
  }
  const db = await Database.open(join(dir, 'crash.duckdb'));
  const c = await db.connect();
  await c.run(generateEventsSql(0, 150_000, '2026-03-01T00:00:00Z', 2 * 86400, 'load-1'));
  c.closeSync();
  db.close();
  copyFileSync(join(dir, 'crash.duckdb'), join(dir, 'ref.duckdb'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const detect = (config: string) => spawnSync(process.execPath, [BIN, 'detect', '--config', config], { cwd: dir, encoding: 'utf8', env: { ...process.env, KUBETRAIL_LOG_LEVEL: 'error' }, timeout: 300_000 });

function killedAfter(ms: number): Promise<NodeJS.Signals | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'detect', '--config', 'crash.yaml'], { cwd: dir, stdio: 'ignore', env: { ...process.env, KUBETRAIL_LOG_LEVEL: 'error' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      done(signal);
    });
  });
}

async function state(file: string) {
  const db = await Database.open(join(dir, file), { readOnly: true });
  const c = await db.connect();
  try {
    const q = async (sql: string) => (await c.runAndReadAll(sql)).getRowsJson();
    return {
      findings: await q(`SELECT fingerprint, detection_id, cluster, event_count, CAST(first_seen AS VARCHAR), CAST(last_seen AS VARCHAR), md5(array_to_string(audit_ids, ',')), summary, status FROM findings ORDER BY fingerprint`),
      evidence: await q(`SELECT count(*), count(DISTINCT (fingerprint, audit_id)), md5(string_agg(fingerprint || audit_id, ',' ORDER BY fingerprint, audit_id)) FROM finding_events`),
      watermarks: await q(`SELECT detection_id, CAST(landed_upto AS VARCHAR) FROM detect_state ORDER BY 1`),
    };
  } finally {
    c.closeSync();
    db.close();
  }
}

it('ends, after kill -9 part-way and a rerun, exactly where an uninterrupted detect ends', async () => {
  const ref = detect('ref.yaml');
  expect(ref.stderr).toBe('');
  expect(ref.status).toBe(0);

  const signals: (NodeJS.Signals | null)[] = [];
  // start-up takes about a second; the detect itself several: these land inside it on this machine
  for (const ms of [1500, 3000, 4500]) signals.push(await killedAfter(ms));
  // at least one run must really have died part-way, or this test proves nothing
  expect(signals).toContain('SIGKILL');

  const final = detect('crash.yaml');
  expect(final.stderr).toBe('');
  expect(final.status).toBe(0);

  const [a, b] = [await state('ref.duckdb'), await state('crash.duckdb')];
  expect(a.findings.length).toBeGreaterThan(100);
  expect(b).toEqual(a);

  // and one more run adds nothing
  const again = detect('crash.yaml');
  expect(again.stdout).toMatch(/over 0 new event\(s\): 0 new finding\(s\), 0 updated/);
  expect(await state('crash.duckdb')).toEqual(a);
}, 600_000);
