// A folder kubetrail must create but cannot is the user's to fix: a message naming it, not "a bug".
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { kubetrail } from '../helpers/cli.js';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

describe('folders that cannot be created', () => {
  ws.file('plain-file', 'not a folder\n');
  ws.file('a.log', '');
  const cluster = 'clusters:\n  - name: lab\n    provider: files\n    paths: ["a.log"]\n';

  it('a database under a regular file (ENOTDIR) exits 1 naming the folder and the setting, without a stack trace', () => {
    const job = ws.file('db-under-file.yaml', `database: plain-file/kt.duckdb\n${cluster}`);
    for (const args of [['pull', '--config', job], ['import', '--config', job, '--cluster', 'lab', join(ws.dir, 'a.log')]]) {
      const r = kubetrail(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`kubetrail: cannot create the folder ${join(ws.dir, 'plain-file')} for the database ${join(ws.dir, 'plain-file', 'kt.duckdb')}: a part of that path is a file, not a folder`);
      expect(r.stderr).toContain('`database:`');
      expect(r.stderr).not.toContain('this is a bug');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a staging folder under a regular file exits 1 naming it and `staging:`', () => {
    const job = ws.file('staging-under-file.yaml', `database: kt.duckdb\nstaging: plain-file/stage\n${cluster}`);
    const r = kubetrail(['pull', '--config', job]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`kubetrail: cannot create the folder ${join(ws.dir, 'plain-file', 'stage')} for staging batches: a part of that path is a file, not a folder`);
    expect(r.stderr).toContain('`staging:`');
    expect(r.stderr).not.toContain('this is a bug');
  });
});
