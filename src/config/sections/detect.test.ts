import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { loadJobFile } from '../load.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function load(detect: string) {
  dir = mkdtempSync(join(tmpdir(), 'kt-job-'));
  const path = join(dir, 'job.yaml');
  writeFileSync(path, `database: kt.duckdb\nclusters:\n  - {name: c1, provider: files, paths: [x.log]}\n${detect}`);
  return { path, load: () => loadJobFile(path) };
}

function problems(detect: string): string[] {
  const { load: l } = load(detect);
  try {
    l();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected the job file to be refused');
}

describe('detect section', () => {
  it('reads suppressions, parameters and disabled detections', () => {
    const { load: l } = load(`detect:
  disabled: [recon-tool-user-agent]
  parameters:
    secrets-read-burst: {threshold: 25, window: 1h}
    system-identity-from-public-ip: {trusted_cidrs: [192.0.2.0/24, "2001:db8::/32"]}
  suppressions:
    - reason: CI deploys
      detections: [daemonset-created]
      principals: ["system:serviceaccount:ci:*"]
      expires: 2027-03-31
    - reason: jump host
      sourceCidrs: [10.0.0.0/8]
      expires: 2027-03-31T12:00:00+02:00
`);
    const d = l().job.detect!;
    expect(d.disabled).toEqual(['recon-tool-user-agent']);
    expect(d.parameters).toEqual({ 'secrets-read-burst': { threshold: 25, window: '1h' }, 'system-identity-from-public-ip': { trusted_cidrs: ['192.0.2.0/24', '2001:db8::/32'] } });
    expect(d.suppressions[0]).toMatchObject({ reason: 'CI deploys', detections: ['daemonset-created'], principals: ['system:serviceaccount:ci:*'] });
    // a date is good to the end of that day
    expect(d.suppressions[0]!.expires!.toISOString()).toBe('2027-04-01T00:00:00.000Z');
    expect(d.suppressions[1]!.expires!.toISOString()).toBe('2027-03-31T10:00:00.000Z');
  });

  it('names the path and line of each problem', () => {
    const p = problems(`detect:
  disabled: [pod-exce]
  parameters:
    secrets-read-burst: {threshold: ten, windw: 1h}
    no-such-detection: {x: 1}
    unauthorized-burst: {window: soon}
    system-identity-from-public-ip: {trusted_cidrs: [10.0.0.0/33]}
  suppressions:
    - detections: [pod-exec]
      principals: [alice]
    - reason: everything
      detections: [pod-exec]
    - reason: bad range
      sourceCidrs: [10.0.0/8]
      expires: next week
    - reason: typo
      principal: [bob]
`);
    const at = (path: string) => p.find((x) => x.includes(` ${path}:`)) ?? `(no problem reported at ${path})`;
    expect(at('detect.disabled[0]')).toMatch(/job\.yaml:5 detect\.disabled\[0\]: no detection "pod-exce" in the library \(did you mean "pod-exec"\?\)/);
    expect(at('detect.parameters.secrets-read-burst.threshold')).toMatch(/:7 .*integer parameter: expected a whole number, got "ten"/);
    expect(at('detect.parameters.secrets-read-burst.windw')).toMatch(/secrets-read-burst has no parameter "windw" \(it has: threshold, window\)/);
    expect(at('detect.parameters.no-such-detection')).toMatch(/no detection "no-such-detection"/);
    expect(at('detect.parameters.unauthorized-burst.window')).toMatch(/expected a duration such as 90s, 10m, 24h, 7d, got "soon"/);
    expect(at('detect.parameters.system-identity-from-public-ip.trusted_cidrs')).toMatch(/not an address or range: "10\.0\.0\.0\/33"/);
    expect(at('detect.suppressions[0].reason')).toMatch(/required/);
    expect(at('detect.suppressions[1]')).toMatch(/needs at least one of clusters, principals, groups, namespaces, images, sourceCidrs .*detect\.disabled/);
    expect(at('detect.suppressions[2].sourceCidrs[0]')).toMatch(/an IP address or CIDR range/);
    expect(at('detect.suppressions[2].expires')).toMatch(/"next week" is not a date/);
    expect(at('detect.suppressions[3]')).toMatch(/unknown key "principal"/);
  });
});
