/**
 * The detect and rules commands end to end, through the real binary: exit codes are part of the contract.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeEvent } from '../../src/detect/fixtures/cases.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kubetrail.js');
let dir: string;

function kubetrail(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, KUBETRAIL_LOG_LEVEL: 'warn' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const at = (s: string) => Date.parse(`2026-03-02T${s}Z`);
const privileged = completeEvent(
  {
    verb: 'create',
    user: { username: 'mallory@example.com', groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', namespace: 'default', name: 'root-shell' },
    requestObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root-shell' }, spec: { containers: [{ name: 'sh', image: 'alpine', securityContext: { privileged: true } }] } },
  },
  'cli-1',
  at('10:00:00'),
);
const execIn = completeEvent(
  {
    verb: 'create',
    user: { username: 'alice@example.com' },
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web-1' },
    requestURI: '/api/v1/namespaces/default/pods/web-1/exec?command=id&container=web',
    responseStatus: { code: 101 },
  },
  'cli-2',
  at('10:05:00'),
);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-cli-'));
  writeFileSync(
    join(dir, 'job.yaml'),
    `database: kt.duckdb
clusters:
  - {name: lab, provider: files, paths: [none.log]}
detect:
  suppressions:
    - {reason: old exception, principals: [nobody], expires: 2020-01-01}
`,
  );
  writeFileSync(join(dir, 'audit.log'), `${JSON.stringify(privileged)}\n${JSON.stringify(execIn)}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubetrail detect', () => {
  it('exits 4 on a new finding at or above --fail-on, then 0 when nothing is new, also after re-importing', () => {
    expect(kubetrail('import', '--config', 'job.yaml', '--cluster', 'lab', 'audit.log').code).toBe(0);

    const first = kubetrail('detect', '--config', 'job.yaml', '--fail-on', 'high');
    // the expired suppression is also a structured warning for log collectors; nothing worse is logged
    expect(first.err).toMatch(/"level":40,.*"msg":"detect\.suppressions\[0\] \\"old exception\\" expired/);
    expect(first.err).not.toMatch(/"level":(50|60)/);
    expect(first.code).toBe(4);
    expect(first.out).toMatch(/2 new event\(s\): 2 new finding\(s\) \(1 high, 1 low\)/);
    expect(first.out).toMatch(/high +privileged-container +lab: mallory@example\.com created pods default\/root-shell with privileged container\(s\) sh=alpine/);
    expect(first.out).toMatch(/low +pod-exec +lab: alice@example\.com exec into default\/web-1 \(id\), with no session in the 30d before that day/);
    expect(first.out).toMatch(/warning: detect\.suppressions\[0\] "old exception" expired 2020-01-02T00:00:00Z: no longer applied/);

    const again = kubetrail('detect', '--config', 'job.yaml', '--fail-on', 'info');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/over 0 new event\(s\): 0 new finding\(s\), 0 updated/);

    const reimport = kubetrail('import', '--config', 'job.yaml', '--cluster', 'lab', '--reread', 'audit.log');
    expect(reimport.code).toBe(0);
    expect(reimport.out).toMatch(/raw-event +0 new, 2 already landed/);
    const afterReimport = kubetrail('detect', '--config', 'job.yaml', '--fail-on', 'info');
    expect(afterReimport.code).toBe(0);
    expect(afterReimport.out).toMatch(/0 new finding\(s\), 0 updated/);

    const count = kubetrail('sql', '--config', 'job.yaml', '--format', 'csv', 'SELECT detection_id, event_count, len(audit_ids) AS ids FROM findings ORDER BY 1');
    expect(count.out.trim().split(/\r?\n/)).toEqual(['detection_id,event_count,ids', 'pod-exec,1,1', 'privileged-container,1,1']);
  });

  it('refuses a detect section with problems, naming the place (exit 2)', () => {
    writeFileSync(join(dir, 'bad.yaml'), `database: kt2.duckdb\nclusters:\n  - {name: lab, provider: files, paths: [x]}\ndetect:\n  parameters:\n    secrets-read-burst: {threshold: many}\n`);
    const r = kubetrail('detect', '--config', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:6 detect\.parameters\.secrets-read-burst\.threshold: integer parameter: expected a whole number, got "many"/);
  });
});

describe('kubetrail rules', () => {
  it('lists the library, filtered by severity and tag', () => {
    const crit = kubetrail('rules', 'list', '--severity', 'critical');
    expect(crit.code).toBe(0);
    expect(crit.out).toMatch(/exec-reverse-shell +critical +metadata +gke +Exec command looks like a reverse shell/);
    expect(crit.out).not.toMatch(/pod-exec/);
    const tagged = kubetrail('rules', 'list', '--tag', 'eks', '--format', 'json');
    expect(JSON.parse(tagged.out).map((d: { id: string }) => d.id)).toEqual(['aws-auth-modified']);
    const withJob = kubetrail('rules', 'list', '--config', 'job.yaml', '--tag', 'interactive');
    expect(withJob.out).toMatch(/pod-exec .* enabled +baseline=30d +detect\.suppressions\[0\] \(expired\)/);
  });

  it('runs fixtures and passes', () => {
    const r = kubetrail('rules', 'test', '--only', 'pod-exec', 'secrets-read-burst');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/PASS +pod-exec/);
    expect(r.out).toMatch(/2 passed, 0 failed/);
    const bad = kubetrail('rules', 'test', '--only', 'no-such-rule');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--only: no detection "no-such-rule"/);
  });
});
