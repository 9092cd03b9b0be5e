import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Harness } from '../gke/harness.js';

let h: Harness | undefined;
afterEach(async () => h?.stop());

it('runs standalone: prints its port, serves generated entries, enforces the quota', async () => {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, '../../node_modules/tsx/dist/cli.mjs'), join(import.meta.dirname, 'cloud-logging.ts'),
      '--generate', '250', '--project', 'acme-prod', '--cluster', 'europe-west1/prod', '--start', '2026-11-20T11:00:00Z', '--spacing-ms', '1000', '--quota', '60'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const [first] = (await once(child.stdout!, 'data')) as [Buffer];
    const port = Number(first.toString().trim().split('\n')[0]);
    expect(port).toBeGreaterThan(0);
    h = await new Harness().start();
    const cluster = h.cluster({ name: 'prod-gke', cluster: 'prod', endpoint: `127.0.0.1:${port}` });
    const [r] = await h.pull([cluster], { now: new Date('2026-11-20T12:00:00Z'), source: { pageSize: 100 } });
    expect(r!.error).toBeUndefined();
    expect(r!.counts.landed).toBe(250);
    expect(r!.stats.pages).toBe(3);
  } finally {
    child.kill('SIGTERM');
  }
});
