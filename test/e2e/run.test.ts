// `kubetrail run`, the scheduled entry point: one cluster failing does not stop the others; the runs row
// has the counts and errors; the exit code is the documented one.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { kubetrail } from '../helpers/cli.js';
import { Database } from '../../src/store/database.js';
import { SHARED_DATA, Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

// `pull` treats files as live logs: a first line without a newline, written under five minutes ago, waits for
// the next run. CI lays the samples down just before the tests, so the test reads a copy aged an hour (the
// samples' own mtimes would make the malformed one-line sample wait or not depending on when CI copied them).
const falco = join(ws.dir, 'falco');
cpSync(join(SHARED_DATA, 'falco'), falco, { recursive: true });
const anHourAgo = new Date(Date.now() - 3_600_000);
for (const f of readdirSync(falco)) utimesSync(join(falco, f), anHourAgo, anHourAgo);

describe('kubetrail run', () => {
  ws.writeJob(
    [
      `  - name: good`,
      `    provider: files`,
      `    paths: [${JSON.stringify(join(falco, '*.json'))}]`,
      `  - name: broken`,
      `    provider: files`,
      `    paths: [${JSON.stringify(join(ws.dir, 'no-such-dir'))}]`,
      '',
    ].join('\n'),
  );
  const run = kubetrail(['run', '--config', ws.job, '--no-reports']);

  it('lands the clusters that work and exits 3 (partial) naming the one that failed', async () => {
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/good\s+files\s+ok\s+\d+\s+[1-9]\d*/);
    expect(run.stdout).toMatch(/broken\s+files\s+failed/);
    expect(run.stdout).toContain(`FAILED: broken: broken (files): nothing to read: ${join(ws.dir, 'no-such-dir')}: does not exist`);
    const landed = await ws.query(`SELECT cluster, count(*) AS n FROM audit_events GROUP BY ALL`);
    expect(landed.map((r) => r.cluster)).toEqual(['good']);
  });

  it('records the run with its counts and errors, and each cluster with its own', async () => {
    const [r] = await ws.query(`SELECT command, status, fetched, landed, duplicates, quarantined, errors, finished_at IS NOT NULL AS done FROM runs`);
    expect(r).toMatchObject({ command: 'run', status: 'partial', quarantined: '1', done: true });
    expect(Number(r!.landed)).toBeGreaterThan(40);
    expect(Number(r!.fetched)).toBe(Number(r!.landed) + Number(r!.duplicates) + Number(r!.quarantined));
    expect(r!.errors).toEqual([{ cluster: 'broken', step: 'pull', message: expect.stringContaining('nothing to read') }]);
    const clusters = await ws.query(`SELECT cluster, step, status FROM run_clusters ORDER BY cluster`);
    expect(clusters).toEqual([
      { cluster: 'broken', step: 'pull', status: 'failed' },
      { cluster: 'good', step: 'pull', status: 'ok' },
    ]);
  });

  it('exits 0 when everything landed, and a second run adds nothing', async () => {
    ws.writeJob(`  - name: good\n    provider: files\n    paths: [${JSON.stringify(join(falco, '*.json'))}]\n`);
    const again = kubetrail(['run', '--config', ws.job, '--no-reports']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/good\s+files\s+ok\s+0\s+0\s+0/);
  });

  it('refuses a second writer with a clear message', async () => {
    const writer = await Database.open(ws.db); // this process holds the database open for writing
    try {
      const second = kubetrail(['pull', '--config', ws.job]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('is in use by another kubetrail process (one writer per database file)');
      expect(second.stderr).not.toMatch(/\n\s+at /);
    } finally {
      writer.close();
    }
  });
});

describe('kubetrail run and pull when every cluster fails', () => {
  const all = new Workspace();
  afterAll(() => all.remove());
  all.writeJob(
    ['a', 'b'].map((n) => `  - name: ${n}\n    provider: files\n    paths: [${JSON.stringify(join(all.dir, `no-such-${n}`))}]\n`).join(''),
  );

  it('exits 1 (nothing landed from anyone), not 3 (partial), and records the runs as failed', async () => {
    const run = kubetrail(['run', '--config', all.job, '--no-reports']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^a\s+files\s+failed/m);
    expect(run.stdout).toMatch(/^b\s+files\s+failed/m);
    const pull = kubetrail(['pull', '--config', all.job]);
    expect(pull.code, pull.stderr).toBe(1);
    // "every cluster" means every selected one
    const some = kubetrail(['pull', '--config', all.job, '--cluster', 'a']);
    expect(some.code).toBe(1);
    const runs = await all.query(`SELECT command, status FROM runs ORDER BY started_at`);
    expect(runs).toEqual([
      { command: 'run', status: 'failed' },
      { command: 'pull', status: 'failed' },
      { command: 'pull', status: 'failed' },
    ]);
  });
});
