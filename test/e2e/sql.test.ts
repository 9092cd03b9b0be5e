import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { kubetrail } from '../helpers/cli.js';
import { SHARED_DATA, Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
beforeAll(() => {
  ws.writeJob('  - name: lab\n    provider: files\n    paths: ["x"]\n');
  const r = kubetrail(['import', '--config', ws.job, '--cluster', 'lab', join(SHARED_DATA, 'falco')]);
  expect(r.code, r.stderr).toBe(0); // labels.jsonl is quarantined (not audit data); the import succeeds
});
afterAll(() => ws.remove());

describe('kubetrail sql', () => {
  it('answers a query from an argument as a table, CSV or JSON', () => {
    const q = `SELECT pod, command, user_name FROM exec_sessions WHERE subresource = 'exec'`;
    const table = kubetrail(['sql', '--config', ws.job, q]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/pod\s+command\s+user_name\n-+/);
    expect(table.stdout).toContain('nginx-deployment-7998647bdf-phvq7  bash     minikube-user');
    const csv = kubetrail(['sql', '--config', ws.job, '--format', 'csv', q]);
    expect(csv.stdout).toBe('pod,command,user_name\r\nnginx-deployment-7998647bdf-phvq7,bash,minikube-user\r\n');
    const json = kubetrail(['sql', '--db', ws.db, '--format', 'json', q]);
    expect(JSON.parse(json.stdout)).toEqual([{ pod: 'nginx-deployment-7998647bdf-phvq7', command: 'bash', user_name: 'minikube-user' }]);
  });

  it('reads the query from -f FILE or stdin, and runs several statements', () => {
    const f = ws.file('q.sql', `SELECT count(*) AS n FROM touched('configmaps', 'default', 'my-config');\nSELECT count(*) AS m FROM timeline('minikube-user');\n`);
    const byFile = kubetrail(['sql', '--config', ws.job, '-f', f, '--format', 'csv']);
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(byFile.stdout).toMatch(/^n\r\n\d+\r\nm\r\n[1-9]\d*\r\n$/);
    const byStdin = kubetrail(['sql', '--config', ws.job, '--format', 'csv'], { input: 'SELECT 41 + 1 AS answer' });
    expect(byStdin.stdout).toBe('answer\r\n42\r\n');
  });

  it('is read-only and cannot reach files or the network', () => {
    const write = kubetrail(['sql', '--config', ws.job, `DELETE FROM audit_events`]);
    expect(write.code).toBe(2);
    expect(write.stderr).toMatch(/SQL error: .*read-only/i);
    const file = kubetrail(['sql', '--config', ws.job, `SELECT * FROM read_csv('/etc/passwd')`]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/SQL error: .*(disabled|external)/i);
    const net = kubetrail(['sql', '--config', ws.job, `INSTALL httpfs`]);
    expect(net.code).toBe(2);
    const rows = kubetrail(['sql', '--config', ws.job, '--format', 'csv', `SELECT count(*) > 0 AS still_there FROM audit_events`]);
    expect(rows.stdout).toBe('still_there\r\ntrue\r\n');
  });

  it('explains a missing database and a bad query without a stack trace', () => {
    const none = kubetrail(['sql', '--db', join(ws.dir, 'nope.duckdb'), 'SELECT 1']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('does not exist yet');
    const bad = kubetrail(['sql', '--config', ws.job, 'SELEC 1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^kubetrail: SQL error: .*Parser Error: syntax error at or near "SELEC"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
