import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../test/helpers/workspace.js';
import { kubetrail } from '../../test/helpers/cli.js';
import { loadJobFile } from './load.js';
import { ConfigError } from '../errors.js';

const ws = new Workspace();
afterAll(() => ws.remove());

const problems = (text: string, env: NodeJS.ProcessEnv = {}): string[] => {
  const f = ws.file(`job-${Math.random().toString(36).slice(2)}.yaml`, text);
  try {
    loadJobFile(f, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.replace(f, 'JOB'));
  }
  throw new Error('no error');
};

describe('job file', () => {
  it('names the file, the line and the path of every problem at once', () => {
    const p = problems(`database: x.duckdb
clusters:
  - name: a
    provider: eks
    region: us-east-1
    cluster: prod
  - name: b
    provider: eks
    cluster: prod
  - name: c
    provider: gke
    project: acme-prod
    location: europe-west1
    cluster: prod
    endpoint: not-a-host-port
  - name: a
    provider: files
    paths: []
    pathz: [x]
`);
    expect(p).toEqual([
      'JOB:7 clusters[1].region: required',
      'JOB:15 clusters[2].endpoint: host:port',
      'JOB:16 clusters[3]: unknown key "pathz" (check the spelling against the README)',
      'JOB:18 clusters[3].paths: list at least one file, directory or glob',
    ]);
  });

  it('reports duplicate cluster names once the rest is valid', () => {
    const p = problems(`database: x.duckdb\nclusters:\n  - {name: a, provider: files, paths: [x]}\n  - {name: a, provider: files, paths: [y]}\n`);
    expect(p).toEqual(['JOB:4 clusters[1].name: "a" is already the name of clusters[0]: names must be unique']);
  });

  it('expands ${VAR} and ${VAR:-default}, and says which variable is missing where', () => {
    const f = ws.file('env.yaml', 'database: ${DB:-kt.duckdb}\nclusters:\n  - name: a\n    provider: aks\n    workspaceId: ${WS}\n    resourceId: /subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/${NAME}\n');
    const job = loadJobFile(f, { WS: '11111111-2222-3333-4444-555555555555', NAME: 'prod' });
    const c = job.job.clusters[0]!;
    expect(job.job.database).toBe('kt.duckdb');
    expect(c.provider === 'aks' && c.workspaceId).toBe('11111111-2222-3333-4444-555555555555');
    expect(c.provider === 'aks' && c.resourceId).toMatch(/managedClusters\/prod$/);
    expect(problems('database: ${DB}\nclusters: []\n')).toEqual(['JOB:1 database: ${DB} is not set in the environment (set it, or write ${DB:-default})']);
  });

  it('says what type a value should have and what it has, instead of "required"', () => {
    const p = problems(`database: x.duckdb
concurrency: four
threads: true
clusters:
  - name: a
    provider: eks
    region: us-east-1
    cluster: 12
    lookback: 24
  - name: b
    provider: eks
    region:
    cluster: prod
    labels: [x]
`);
    expect(p).toEqual([
      'JOB:2 concurrency: expected a number, got the string "four"',
      'JOB:3 threads: expected a number, got the boolean true',
      'JOB:8 clusters[0].cluster: expected a string, got the number 12',
      'JOB:9 clusters[0].lookback: expected a string, got the number 24',
      'JOB:12 clusters[1].region: expected a string, got an empty value',
      'JOB:14 clusters[1].labels: expected a mapping (key: value lines), got a list',
    ]);
  });

  it('gives a value that is exactly one ${VAR} the type its text has in YAML, unless quoted or the schema wants text', () => {
    const f = ws.file(
      'typed.yaml',
      'database: kt.duckdb\nconcurrency: ${CONC}\nthreads: ${THREADS:-2}\nclusters:\n  - name: ${NAME}\n    provider: files\n    enabled: ${ON}\n    paths: ["${N}"]\n',
    );
    const job = loadJobFile(f, { CONC: '7', NAME: '123', ON: 'false', N: '5' });
    expect(job.job.concurrency).toBe(7);
    expect(job.job.threads).toBe(2);
    const c = job.job.clusters[0]!;
    expect(c.name).toBe('123');
    expect(c.enabled).toBe(false);
    expect(c.provider === 'files' && c.paths).toEqual(['5']);
    // quoted: YAML says text, so it stays text (and the schema says so)
    expect(problems('database: x.duckdb\nconcurrency: "${CONC}"\nclusters:\n  - {name: a, provider: files, paths: [x]}\n', { CONC: '4' })).toEqual([
      'JOB:2 concurrency: expected a number, got the string "4"',
    ]);
    // text around the variable: text
    expect(problems('database: x.duckdb\nconcurrency: ${CONC}0x\nclusters:\n  - {name: a, provider: files, paths: [x]}\n', { CONC: '4' })).toEqual([
      'JOB:2 concurrency: expected a number, got the string "40x"',
    ]);
  });

  it('rejects bad YAML with its line', () => {
    expect(problems('database: x\nclusters:\n  - name: [unclosed\n')[0]).toMatch(/^line \d+: /);
  });

  it('exits with the config exit code and a message, not a stack trace', () => {
    const f = ws.file('bad.yaml', 'database: x.duckdb\nclusters:\n  - name: a\n    provider: azure\n');
    const r = kubetrail(['pull', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:4 clusters[0].provider: provider must be one of eks, gke, aks, files`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = kubetrail(['run', '--config', '/no/such/job.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/no/such/job.yaml: no such job file');
  });
});
