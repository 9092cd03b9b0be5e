/**
 * The CLI end to end: `kubetrail run` on a self-hosted cluster whose audit files have a hole pulls them,
 * checks coverage (the hole is flagged from the data alone: files clusters have no posture) and writes
 * both reports; `kubetrail coverage` and `kubetrail report` work on their own, and bad usage exits 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, traffic, writeEvents } from '../coverage/traffic.js';

const BIN = new URL('../../bin/kubetrail.js', import.meta.url).pathname;
let dir: string;
let holeStart: number;
/** The silence around the hole: the last event before it and the first after (ms). */
let silence: { last: number; next: number };

function kubetrail(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC', KUBETRAIL_LOG_LEVEL: 'warn' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-cli-'));
  mkdirSync(join(dir, 'logs'));
  const now = Date.now();
  holeStart = Math.floor(now / HOUR) * HOUR - 30 * HOUR;
  const events = traffic({ from: new Date(now - 6 * 24 * HOUR), to: new Date(now - 2 * 60e3), holes: new Set([holeStart, holeStart + HOUR, holeStart + 2 * HOUR, holeStart + 3 * HOUR]) });
  const times = events.map((e) => e.time.getTime());
  silence = { last: Math.max(...times.filter((t) => t < holeStart)), next: Math.min(...times.filter((t) => t >= holeStart + 4 * HOUR)) };
  writeEvents(join(dir, 'logs', 'audit.log'), 'onprem', events, { kind: 'raw' });
  writeFileSync(
    join(dir, 'job.yaml'),
    ['database: data/kt.duckdb', 'clusters:', '  - name: onprem', '    provider: files', '    paths: ["logs/*.log"]', 'coverage:', '  retentionTarget: 5d', 'reports:', '  out: out', ''].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubetrail run, coverage and report', () => {
  it('run pulls, flags the hole and writes both reports', () => {
    const r = kubetrail('run', '--config', 'job.yaml');
    expect(r.err).not.toMatch(/"level":(40|50|60)/);
    expect(r.code).toBe(0);
    expect(r.out).toContain('coverage: 15 checks, 1 alarm(s), 0 unknown');
    expect(r.out).toContain('  onprem: no-event-gaps');
    for (const f of ['weekly.md', 'weekly.html', 'weekly.json', 'findings.md', 'findings.html', 'findings.json']) {
      expect(r.out).toContain(`report: ${join(dir, 'out', f)}`);
      expect(existsSync(join(dir, 'out', f))).toBe(true);
    }
    const weekly = JSON.parse(readFileSync(join(dir, 'out', 'weekly.json'), 'utf8'));
    const gap = weekly.clusters[0].checks.find((c: { checkId: string }) => c.checkId === 'no-event-gaps');
    // measured event to event: the four empty hours plus the minutes on either side
    const at = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
    const minutes = Math.floor((silence.next - silence.last) / 60e3);
    expect(minutes).toBeGreaterThan(4 * 60);
    expect(gap.reason).toContain(`${Math.floor(minutes / 60)} h ${minutes % 60} min without any audit event, from the last event at ${at(silence.last)} to the next at ${at(silence.next)}`);
  });

  it('coverage runs on its own and records a run', () => {
    const r = kubetrail('coverage', '--config', 'job.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toBe('coverage: 15 checks, 1 alarm(s), 0 unknown\n  onprem: no-event-gaps\n');
    const q = kubetrail('sql', '--config', 'job.yaml', '--format', 'csv', "SELECT count(DISTINCT run_id) AS runs, count(*) FILTER (WHERE status = 'alarm') AS alarms FROM coverage");
    expect(q.code).toBe(0);
    expect(q.out.trim().split('\n').at(-1)).toBe('2,2');
  });

  it('report writes the formats asked for, over the period asked for', () => {
    const r = kubetrail('report', '--config', 'job.yaml', '--kind', 'weekly', '--format', 'md,json', '--out', 'out2', '--since', '2d');
    expect(r.code).toBe(0);
    expect(r.out).toBe('report: out2/weekly.md\nreport: out2/weekly.json\n');
    const w = JSON.parse(readFileSync(join(dir, 'out2', 'weekly.json'), 'utf8'));
    expect(Date.parse(w.period.end) - Date.parse(w.period.start)).toBe(2 * 24 * HOUR);
    expect(existsSync(join(dir, 'out2', 'weekly.html'))).toBe(false);
  });

  it('bad usage exits 2 with a message', () => {
    const r = kubetrail('report', '--config', 'job.yaml', '--kind', 'weekly', '--format', 'pdf', '--out', 'out3');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format "pdf": use a comma-separated list of md, html, json');
  });
});
