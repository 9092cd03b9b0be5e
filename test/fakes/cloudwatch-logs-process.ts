/**
 * The CloudWatch Logs double as a separate process (test/fakes/cloudwatch-logs.ts run standalone): for
 * tests whose own event loop is busy (its arrival times stay exact) and for CLI tests and benchmarks.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface DoubleProcessInfo {
  port: number;
  endpoint: string;
  region: string;
  account: string;
  accessKeyId: string;
  secretAccessKey: string;
  cluster: string;
  logGroup: string;
  clusters: { cluster: string; logGroup: string }[];
  events: number;
  from: string;
  to: string;
}

export interface DoubleStats {
  requests: number;
  byOp: Record<string, number>;
  throttledByDouble: number;
  windows: { account: string; region: string; maxInOneSecond: number }[];
}

export interface DoubleProcess {
  info: DoubleProcessInfo;
  pid: number;
  stats(): Promise<DoubleStats>;
  stop(): Promise<void>;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'cloudwatch-logs.ts');

/** Start the double with these command-line arguments (see cloudwatch-logs.ts); resolves once it listens. */
export async function startDoubleProcess(args: readonly string[]): Promise<DoubleProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the CloudWatch Logs double exited with ${code} before listening`)));
  });
  const info = JSON.parse(line) as DoubleProcessInfo;
  return {
    info,
    pid: child.pid!,
    stats: async () => (await fetch(`${info.endpoint}/_double/stats`)).json() as Promise<DoubleStats>,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
