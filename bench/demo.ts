/**
 * npx tsx bench/demo.ts [--keep DIR]
 *
 * How long the demo takes end to end: generating the dataset (target < 10 s) and importing all four
 * clusters through the pipeline (pullCluster + filesSource into DuckDB; target: both well under a
 * minute). Prints wall and CPU seconds (on a shared machine the CPU figure is the one to compare),
 * records, megabytes and peak RSS.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../src/demo/demo.js';
import { DEFAULT_END } from '../src/demo/timeline.js';
import { silentLogger } from '../src/log.js';
import { pullCluster } from '../src/pipeline/pull-cluster.js';
import { filesSource } from '../src/sources/files/files-source.js';
import { Database } from '../src/store/database.js';

const keep = process.argv.indexOf('--keep');
const dir = keep > 0 ? process.argv[keep + 1]! : mkdtempSync(join(tmpdir(), 'kubetrail-bench-demo-'));
mkdirSync(dir, { recursive: true });

async function measure<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const v = await fn();
  const cpu = process.cpuUsage(cpu0);
  console.log(`${label.padEnd(22)} wall ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s   cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1).padStart(5)} s`);
  return v;
}

const result = await measure('generate', () => generateDemo({ out: join(dir, 'input'), end: new Date(DEFAULT_END) }));
const records = result.clusters.reduce((n, c) => n + c.events, 0);
const mb = result.clusters.reduce((n, c) => n + c.files.reduce((s, f) => s + f.bytes, 0), 0) / 1e6;
console.log(`${''.padEnd(22)} ${records} records, ${mb.toFixed(1)} MB in ${result.clusters.reduce((n, c) => n + c.files.length, 0)} files`);

mkdirSync(join(dir, 'staging'), { recursive: true });
const db = await Database.open(join(dir, 'demo.duckdb'));
let landed = 0;
await measure('import (4 clusters)', async () => {
  for (const c of result.clusters) {
    const r = await measure(`  ${c.name}`, () =>
      pullCluster(db, { name: c.name, provider: 'files' }, filesSource({ paths: [join(dir, 'input', c.name)], mode: 'import' }), {
        runId: 'bench', log: silentLogger(), stagingDir: join(dir, 'staging'), step: 'import',
      }),
    );
    if (r.status !== 'ok') throw new Error(`${c.name}: ${r.error}`);
    landed += r.counts.landed;
  }
});
db.close();
console.log(`landed ${landed} of ${records} records; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (keep < 0) rmSync(dir, { recursive: true, force: true });
