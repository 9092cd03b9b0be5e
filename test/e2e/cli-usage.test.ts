// A usage error is found before anything is opened: exit 2, no database file, no `runs` row, and not
// hidden behind "in use by another kubetrail process" when another run holds the database.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kubetrail } from '../helpers/cli.js';
import { Workspace } from '../helpers/workspace.js';
import { Database } from '../../src/store/database.js';

const ws = new Workspace();
afterAll(() => ws.remove());

describe('usage errors', () => {
  ws.writeJob('  - name: lab\n    provider: files\n    paths: ["a.log"]\n');
  const log = ws.file('a.log', '');
  const cases: [string, string[], string][] = [
    ['pull --until without --since', ['pull', '--config', ws.job, '--until', '2026-11-02T00:00:00Z'], '--until needs --since'],
    ['pull with a bad --since', ['pull', '--config', ws.job, '--since', 'last week'], '--since "last week": give a duration'],
    ['pull of an unknown --cluster', ['pull', '--config', ws.job, '--cluster', 'nope'], 'no cluster named "nope" (clusters: lab)'],
    ['import --provider xyz', ['import', '--config', ws.job, '--cluster', 'new', '--provider', 'xyz', log], '--provider "xyz": use eks, gke, aks or files'],
    ['import of a cluster not in the job file', ['import', '--config', ws.job, '--cluster', 'nope', log], 'cluster "nope" is not in'],
    ['import of nothing', ['import', '--config', ws.job, '--cluster', 'lab', join(ws.dir, 'missing.log')], 'nothing to import'],
    ['report --format pdf', ['report', '--config', ws.job, '--kind', 'weekly', '--format', 'pdf', '--out', join(ws.dir, 'out')], '--format "pdf"'],
  ];

  for (const [name, args, message] of cases) {
    it(`${name}: exits 2 without creating the database`, () => {
      const r = kubetrail(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(existsSync(ws.db)).toBe(false);
      expect(existsSync(`${ws.db}.staging`)).toBe(false);
    });
  }

  it('with another writer holding the database, the usage error is what the user sees, and no runs row is left', async () => {
    expect(kubetrail(['pull', '--config', ws.job]).code).toBe(0); // the database exists, with one ok run
    const some = [cases[0]!, cases[2]!, cases[3]!];
    const holder = await Database.open(ws.db);
    try {
      for (const [, args, message] of some) {
        const r = kubetrail(args);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(message);
        expect(r.stderr).not.toContain('in use by another kubetrail process');
      }
    } finally {
      holder.close();
    }
    for (const [, args] of some) expect(kubetrail(args).code).toBe(2);
    const runs = await ws.query(`SELECT command, status FROM runs ORDER BY started_at`);
    expect(runs).toEqual([{ command: 'pull', status: 'ok' }]);
  });
});
