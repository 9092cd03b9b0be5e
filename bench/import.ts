/**
 * Import benchmark (issue 2): `kubetrail import` of N generated raw events against the ceiling measured in
 * the same run — bare DuckDB read_json of the same file into the same table, with the same memory limit.
 * Both run as child processes under /usr/bin/time so peak RSS is the whole process's.
 *   npx tsx bench/import.ts [events=1000000] [pairs=3] [memoryLimit=512MB]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeEvents } from './generate-events.js';

const n = Number(process.argv[2] ?? 1_000_000);
const repeat = Number(process.argv[3] ?? 3);
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-import-'));
const file = join(dir, 'events.jsonl');
const memoryLimit = process.argv[4] ?? '512MB';

function timed(args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; rssMb: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  return { seconds, rssMb: m ? Number(m[1]) / 1024 : NaN, out: r.stdout };
}

try {
  process.stdout.write(`generating ${n} events... `);
  const bytes = await writeEvents(file, n);
  const mb = bytes / 1024 / 1024;
  process.stdout.write(`${mb.toFixed(0)} MB\n`);

  const job = join(dir, 'job.yaml');
  writeFileSync(job, `database: kt.duckdb\nmemoryLimit: ${memoryLimit}\nclusters:\n  - name: bench\n    provider: files\n    paths: [${JSON.stringify(file)}]\n`);
  const rate = (s: number) => n / s;
  const ratios: number[] = [];
  const rss: number[] = [];
  // Alternating pairs: the machine's speed drifts (shared cores), and each pair shares the drift.
  for (let r = 1; r <= repeat; r++) {
    rmSync(join(dir, 'kt.duckdb'), { force: true });
    rmSync(join(dir, 'ceiling.duckdb'), { force: true });
    const ours = timed(['node', 'bin/kubetrail.js', '--log-level', 'warn', 'import', '--config', job, '--cluster', 'bench', file], { CI: '1' });
    const landed = /bench\s+files\s+ok\s+(\d+)\s+(\d+)/.exec(ours.out);
    const ceiling = timed(['node', '--import', 'tsx', 'bench/import-ceiling.ts', join(dir, 'ceiling.duckdb'), file, memoryLimit]);
    ratios.push(ceiling.seconds / ours.seconds);
    rss.push(ours.rssMb);
    console.log(`run ${r}: landed ${landed?.[2] ?? '?'} of ${landed?.[1] ?? '?'} records`);
    console.log(`  kubetrail import : ${ours.seconds.toFixed(2)} s, ${Math.round(rate(ours.seconds))} events/s, ${(mb / ours.seconds).toFixed(0)} MB/s, peak RSS ${ours.rssMb.toFixed(0)} MB (whole process incl. Node)`);
    console.log(`  ceiling read_json: ${ceiling.seconds.toFixed(2)} s, ${Math.round(rate(ceiling.seconds))} events/s, ${(mb / ceiling.seconds).toFixed(0)} MB/s, peak RSS ${ceiling.rssMb.toFixed(0)} MB`);
    console.log(`  ratio to ceiling: ${(ceiling.seconds / ours.seconds).toFixed(2)}; database file ${(statSync(join(dir, 'kt.duckdb')).size / 1024 / 1024).toFixed(0)} MB`);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  console.log(`events: ${n}, file ${mb.toFixed(0)} MB, memoryLimit ${memoryLimit}; median of ${repeat}: ratio to ceiling ${median(ratios).toFixed(2)} (target >= 0.5), peak RSS ${median(rss).toFixed(0)} MB, highest ${Math.max(...rss).toFixed(0)} MB (target < 1024 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
