/**
 * Nothing lost, nothing twice, for pulls from the clouds: `kubetrail pull` (the real CLI and the real SDK
 * clients) against each provider's wire-level double in its own process, killed with SIGKILL while
 * landing is under way, then run again, ends with exactly the events the double serves, each once, and
 * an empty staging directory. The expected audit IDs come from the doubles' own generators, called with
 * the arguments the doubles were started with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { micros, syntheticEvents } from '../fakes/aks-rows.js';
import { Series } from '../fakes/audit-event-generator.js';
import { traffic } from '../fakes/gke-entries.js';
import { ROOT, kubetrail, startKubetrail } from '../helpers/cli.js';
import { Workspace } from '../helpers/workspace.js';

const N = 30_000;
const HOUR = 3600e3;
const TEST_TIMEOUT = 150_000;

const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    }),
  );
});

/** Start a double from test/fakes in its own process (its PID is the server's); resolves with the first line it prints. */
async function startDouble(script: string, args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fakes', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
}

interface Target {
  ws: Workspace;
  /** The job file's cluster name and provider, as the summary prints them. */
  cluster: string;
  provider: string;
  env: NodeJS.ProcessEnv;
  /** The stage file whose appearance means a good part (not all) of the pull has landed. */
  killAtStage: number;
}

const counts = async (ws: Workspace) => {
  const [row] = await ws.query(`SELECT count(*)::INTEGER AS n, count(DISTINCT (cluster, audit_id, stage))::INTEGER AS keys FROM audit_events`);
  return row as { n: number; keys: number };
};

const stageFiles = (ws: Workspace): string[] => (existsSync(`${ws.db}.staging`) ? readdirSync(`${ws.db}.staging`) : []);

/** The database, its WAL and the staging directory gone: the next pull is a first run again. */
function fresh(ws: Workspace): void {
  for (const f of [ws.db, `${ws.db}.wal`, `${ws.db}.staging`]) rmSync(f, { recursive: true, force: true });
}

/**
 * Pull, SIGKILL once stage file number `t.killAtStage` exists (the batches before it have gone to
 * landing: about a third of the pull), and return how many rows the killed pull left. A kill that came
 * too early (nothing landed) or too late (the pull finished) is retried on a fresh database, earlier or
 * later; stage files are numbered from 1 in each run.
 */
async function killPartWay(t: Target): Promise<number> {
  const attempts = [
    { stage: t.killAtStage, extra: 0 },
    { stage: 3, extra: 0 },
    { stage: 3, extra: 300 },
    { stage: Math.ceil(t.killAtStage / 2), extra: 0 },
  ];
  for (const { stage, extra } of attempts) {
    fresh(t.ws);
    const child = startKubetrail(['pull', '--config', t.ws.job], { env: t.env });
    children.push(child);
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise((r) => child.once('exit', r));
    const landing = () => stageFiles(t.ws).some((f) => Number(/-(\d+)\.ndjson$/.exec(f)?.[1]) >= stage);
    const deadline = Date.now() + 60_000;
    while (!landing() && child.exitCode === null && Date.now() < deadline) await sleep(10);
    await sleep(extra);
    const alive = child.exitCode === null;
    child.kill('SIGKILL');
    await exited;
    if (!alive) {
      expect(child.exitCode, `the pull ended before it could be killed:\n${stderr}`).toBe(0);
      continue;
    }
    const c = await counts(t.ws);
    expect(c.n, 'no duplicate (cluster, audit_id, stage), even mid-way').toBe(c.keys);
    if (c.n > 0 && c.n < N) return c.n;
  }
  throw new Error('no kill landed while the pull was part-way');
}

/** Kill part-way, rerun to the end, and check the rows are exactly `expectedIds`, each once. */
async function crashThenRerun(t: Target, expectedIds: string[]): Promise<void> {
  expect(new Set(expectedIds).size).toBe(N);
  const partial = await killPartWay(t);
  const rerun = kubetrail(['pull', '--config', t.ws.job], { env: t.env });
  expect(rerun.code, rerun.stderr).toBe(0);
  // The rerun lands exactly what the killed pull had not (what it reads again is dropped as already landed).
  expect(rerun.stdout).toMatch(new RegExp(`^${t.cluster}\\s+${t.provider}\\s+ok\\s+\\d+\\s+${N - partial}\\s`, 'm'));
  expect(await counts(t.ws)).toEqual({ n: N, keys: N });
  const rows = await t.ws.query(`SELECT audit_id FROM audit_events WHERE cluster = ? AND stage = 'ResponseComplete'`, [t.cluster]);
  expect(rows.map((r) => String(r.audit_id)).sort()).toEqual([...expectedIds].sort());
  expect(stageFiles(t.ws)).toEqual([]);
}

describe('kubetrail pull survives SIGKILL part-way: a rerun ends with exactly one clean pull', () => {
  describe('EKS (CloudWatch Logs double)', () => {
    let ws: Workspace;
    let info: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string; from: string; to: string };
    beforeAll(async () => {
      ws = new Workspace();
      // 2,000 events a page: about twenty requests at 5 a second, landed in batches of 512 KB
      const line = await startDouble('cloudwatch-logs.ts', ['--port', '0', '--cluster', 'prod', '--events', String(N), '--from', '3h', '--to', '10m', '--page-events', '2000', '--seed', '11']);
      info = JSON.parse(line) as typeof info;
      const e = info.endpoint;
      ws.writeJob(
        `  - {name: prod-eks, provider: eks, region: ${info.region}, cluster: prod, lookback: 6h, endpoint: "${e}", eksEndpoint: "${e}", stsEndpoint: "${e}"}\n`,
        'batchSize: 512KB\n',
      );
    });
    afterAll(() => ws?.remove());

    it(
      'lands every event of the log group once',
      async () => {
        const series = new Series({ seed: 11, count: N, from: Date.parse(info.from), to: Date.parse(info.to) });
        const expected = Array.from({ length: N }, (_, i) => series.auditId(i));
        await crashThenRerun(
          { ws, cluster: 'prod-eks', provider: 'eks', killAtStage: 10, env: { AWS_ACCESS_KEY_ID: info.accessKeyId, AWS_SECRET_ACCESS_KEY: info.secretAccessKey, AWS_REGION: info.region } },
          expected,
        );
      },
      TEST_TIMEOUT,
    );
  });

  describe('GKE (Cloud Logging double)', () => {
    let ws: Workspace;
    const project = 'acme-prod';
    // an entry every 150 ms from 2 h ago: all received long before the pull's settle horizon
    const startMs = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;
    const spacingMs = 150;
    beforeAll(async () => {
      ws = new Workspace();
      const port = await startDouble('cloud-logging.ts', [
        '--port', '0', '--generate', String(N), '--project', project, '--cluster', 'europe-west1/prod',
        '--start', new Date(startMs).toISOString(), '--spacing-ms', String(spacingMs), '--page-delay-ms', '40',
      ]);
      ws.writeJob(
        `  - {name: prod-gke, provider: gke, project: ${project}, location: europe-west1, cluster: prod, lookback: 6h, endpoint: "127.0.0.1:${Number(port)}", insecure: true}\n`,
        'batchSize: 512KB\n',
      );
    });
    afterAll(() => ws?.remove());

    it(
      'lands every entry of the cluster once',
      async () => {
        const entries = traffic({ project, clusters: [{ location: 'europe-west1', cluster: 'prod' }], count: N, startMs, spacingMs });
        const expected = Array.from(entries, (e) => (e.operation as { id: string }).id);
        await crashThenRerun({ ws, cluster: 'prod-gke', provider: 'gke', killAtStage: 10, env: {} }, expected);
      },
      TEST_TIMEOUT,
    );
  });

  describe('AKS (Log Analytics double)', () => {
    let ws: Workspace;
    const start = new Date(Math.floor((Date.now() - 4 * HOUR) / 1000) * 1000).toISOString();
    const spanMinutes = 180;
    beforeAll(async () => {
      ws = new Workspace();
      // Answers capped at 2,000 rows: the source lowers its row target and reads the window in many
      // chunks, committing after each; each query takes 100 ms.
      const line = await startDouble('log-analytics.ts', ['--port', '0', '--rows', String(N), '--start', start, '--span-minutes', String(spanMinutes), '--max-rows', '2000', '--query-delay-ms', '100']);
      const info = JSON.parse(line) as { endpoint: string; armEndpoint: string; caFile: string; workspaceId: string; resourceIds: string[] };
      ws.writeJob(
        `  - name: prod-aks\n    provider: aks\n    lookback: 6h\n    workspaceId: ${info.workspaceId}\n    resourceId: ${info.resourceIds[0]}\n` +
          `    endpoint: "${info.endpoint}"\n    armEndpoint: "${info.armEndpoint}"\n    caFile: ${JSON.stringify(info.caFile)}\n`,
        'batchSize: 512KB\n',
      );
    });
    afterAll(() => ws?.remove());

    it(
      'lands every row of the cluster once',
      async () => {
        // the standalone double's first cluster is seeded "cluster-0", spread with 50 as in its main()
        const expected = syntheticEvents('cluster-0', N, micros(start), spanMinutes * 60e6, 50).map((e) => e.auditID);
        await crashThenRerun({ ws, cluster: 'prod-aks', provider: 'aks', killAtStage: 6, env: { KUBETRAIL_AZURE_TOKEN: 'test-token' } }, expected);
      },
      TEST_TIMEOUT,
    );
  });
});
