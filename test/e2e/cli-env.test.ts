// What the CLI takes from its environment: the log level a CronJob sets, and stderr that stays JSON lines.
import { afterAll, describe, expect, it } from 'vitest';
import { kubetrail } from '../helpers/cli.js';
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
