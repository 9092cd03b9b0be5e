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
