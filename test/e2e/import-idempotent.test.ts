// Nothing lost, nothing twice: importing again adds nothing, and a kill -9 part-way followed by a rerun
// ends with exactly the rows of one clean import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kubetrail, startKubetrail } from '../helpers/cli.js';
import { Workspace } from '../helpers/workspace.js';
import { writeEvents } from '../../bench/generate-events.js';

const N = 40_000;
const ws = new Workspace();
let file: string;
beforeAll(async () => {
  file = join(ws.dir, 'audit.log');
  await writeEvents(file, N, { seed: 7 });
  // small batches: the import commits many times, so a kill lands between and inside commits
  ws.writeJob(`  - name: onprem\n    provider: files\n    paths: [${JSON.stringify(file)}]\n`, 'batchSize: 512KB\n');
});
afterAll(() => ws.remove());

const counts = async () =>
  (await ws.query(`SELECT count(*) AS n, count(DISTINCT (cluster, audit_id, stage)) AS keys FROM audit_events`))[0] as { n: string; keys: string };

describe('idempotent landing', () => {
  it('survives SIGKILL part-way: a rerun ends with exactly one clean import', async () => {
    let partial = false;
    for (const extra of [0, 150, 400, 800]) {
      const child = startKubetrail(['import', '--config', ws.job, '--cluster', 'onprem', file]);
      // stage files are numbered: once the third exists, two batches have gone to landing; kill after that
      const staged = () => (existsSync(`${ws.db}.staging`) ? readdirSync(`${ws.db}.staging`) : []).some((f) => Number(/-(\d+)\.ndjson$/.exec(f)?.[1]) >= 3);
      const deadline = Date.now() + 90_000;
      while (!staged() && child.exitCode === null && Date.now() < deadline) await sleep(10);
      await sleep(extra);
      const alive = child.exitCode === null;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (!alive) continue;
      const c = await counts();
      expect(c.n).toBe(c.keys); // never a duplicate, even mid-way
      if (Number(c.n) > 0 && Number(c.n) < N) {
        partial = true;
        break;
      }
    }
    expect(partial, 'a kill landed while the import was part-way').toBe(true);
    const rerun = kubetrail(['import', '--config', ws.job, '--cluster', 'onprem', file]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const c = await counts();
    expect(c).toEqual({ n: String(N), keys: String(N) });
    expect(readdirSync(`${ws.db}.staging`)).toEqual([]);
  });

  it('importing the same file again adds nothing, and --reread drops every record as already landed', async () => {
    const again = kubetrail(['import', '--config', ws.job, '--cluster', 'onprem', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/onprem\s+files\s+ok\s+0\s+0\s+0/);
    const reread = kubetrail(['import', '--config', ws.job, '--cluster', 'onprem', '--reread', file]);
    expect(reread.code).toBe(0);
    expect(reread.stdout).toMatch(new RegExp(`onprem\\s+files\\s+ok\\s+${N}\\s+0\\s+${N}\\s+0\\s+0`));
    expect(await counts()).toEqual({ n: String(N), keys: String(N) });
  });
});
