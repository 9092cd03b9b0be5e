// `kubetrail demo --config FILE` deletes and regenerates the job's input directory and database: it must
// refuse a job whose paths hold anything the demo did not write.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubetrail } from '../helpers/cli.js';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

describe('kubetrail demo --config', () => {
  it('refuses a job whose input directory holds real logs, and leaves them alone', () => {
    const logs = join(ws.dir, 'audit');
    mkdirSync(logs);
    writeFileSync(join(logs, 'audit.log'), '{"kind":"Event"}\n');
    ws.writeJob(`  - name: onprem\n    provider: files\n    paths: [${JSON.stringify(join(logs, '*.log'))}]\n`);
    const r = kubetrail(['demo', '--config', ws.job]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${logs} exists and was not written by kubetrail demo`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(logs, 'audit.log'), 'utf8')).toBe('{"kind":"Event"}\n');
  });

  it('refuses a job whose first cluster is not a files cluster, with a message rather than a crash', () => {
    ws.writeJob(`  - name: prod\n    provider: eks\n    region: eu-west-1\n    cluster: prod\n`);
    const r = kubetrail(['demo', '--config', ws.job]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('not a demo job file');
    expect(existsSync(ws.db)).toBe(false);
  });
});
