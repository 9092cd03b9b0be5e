// What the CLI takes from its environment: the log level a CronJob sets, and stderr that stays JSON lines.
import { afterAll, describe, expect, it } from 'vitest';
import { kubetrail } from '../helpers/cli.js';
import { startDoubleProcess } from '../fakes/cloudwatch-logs-process.js';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

const event = (id: string) =>
  JSON.stringify({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete', verb: 'get',
    requestURI: '/api/v1/pods', user: { username: 'u' }, requestReceivedTimestamp: '2026-11-06T00:00:00Z', stageTimestamp: '2026-11-06T00:00:01Z',
  });

const jsonLines = (stderr: string) => stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string });

describe('KUBETRAIL_LOG_LEVEL', () => {
  ws.writeJob('  - name: lab\n    provider: files\n    paths: ["a.log"]\n');
  ws.file('a.log', event('e1') + '\n');

  it('is the log level when --log-level is not given, and the flag wins over it', () => {
    const info = kubetrail(['pull', '--config', ws.job]);
    expect(info.code, info.stderr).toBe(0);
    expect(jsonLines(info.stderr).some((l) => l.level === 30)).toBe(true); // the default logs info lines

    const quiet = kubetrail(['pull', '--config', ws.job], { env: { KUBETRAIL_LOG_LEVEL: 'error' } });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');

    const flag = kubetrail(['--log-level', 'info', 'pull', '--config', ws.job], { env: { KUBETRAIL_LOG_LEVEL: 'error' } });
    expect(jsonLines(flag.stderr).some((l) => l.level === 30)).toBe(true);
  });

  it('rejects a level it does not know with a usage error', () => {
    const r = kubetrail(['pull', '--config', ws.job], { env: { KUBETRAIL_LOG_LEVEL: 'verbose' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KUBETRAIL_LOG_LEVEL="verbose": use one of debug, info, warn, error, silent');
  });
});

describe('stderr when not a terminal', () => {
  const eks = new Workspace();
  afterAll(() => eks.remove());

  it('stays JSON lines when the AWS SDK warns about the Node version (Node 20): the warning is a log line', async () => {
    const double = await startDoubleProcess(['--cluster', 'prod', '--events', '20', '--from', '3h', '--to', '10m', '--seed', '3']);
    try {
      const { endpoint: e, region, accessKeyId, secretAccessKey } = double.info;
      eks.writeJob(`  - {name: prod-eks, provider: eks, region: ${region}, cluster: prod, lookback: 6h, endpoint: "${e}", eksEndpoint: "${e}", stsEndpoint: "${e}"}\n`);
      const r = kubetrail(['pull', '--config', eks.job], { env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: region } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^prod-eks\s+eks\s+ok\s+20\s+20\s/m);
      const lines = r.stderr.split('\n').filter(Boolean);
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      // The SDK warns on Node < 22 only; there the warning must be among the log lines, at warn level.
      if (Number(process.versions.node.split('.')[0]) < 22) {
        const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.startsWith('NodeVersionSupportWarning'));
        expect(warning?.level).toBe(40);
      }
    } finally {
      await double.stop();
    }
  });
});
