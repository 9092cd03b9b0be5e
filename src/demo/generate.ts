/**
 * npm run demo:generate [-- --out DIR] [--end 2026-11-16T00:00:00Z|now] [--seed S] [--story FILE]
 *
 * Writes a week of audit logs of four demo clusters (EKS, GKE and AKS envelopes, a self-hosted file
 * set) into DIR (default data/demo/input), for jobs/demo.yaml. `--story FILE` also writes the story
 * and dataset description (src/demo/STORY.md is made this way, with the default end and seed).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, generateDemo } from './demo.js';
import { renderStory } from './story-md.js';
import { DEFAULT_END } from './timeline.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', default: resolve(ROOT, 'data/demo/input') },
        end: { type: 'string', default: DEFAULT_END },
        seed: { type: 'string', default: DEFAULT_SEED },
        story: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: generate.ts [--out DIR] [--end ISO-TIME|now] [--seed TEXT] [--story FILE]\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write('usage: generate.ts [--out DIR] [--end ISO-TIME|now] [--seed TEXT] [--story FILE]\n');
    return 0;
  }
  const end = args.end === 'now' ? new Date() : new Date(args.end);
  if (Number.isNaN(end.getTime())) {
    process.stderr.write(`--end "${args.end}" is not a time: give an ISO time such as ${DEFAULT_END}, or "now"\n`);
    return 2;
  }
  const t0 = performance.now();
  const result = generateDemo({ out: args.out, end, seed: args.seed });
  const seconds = (performance.now() - t0) / 1000;
  if (args.story) writeFileSync(args.story, renderStory(result));

  const lines = [`demo dataset ${new Date(result.week.startUs / 1000).toISOString()} .. ${new Date(result.week.endUs / 1000).toISOString()} in ${args.out} (${seconds.toFixed(1)} s)`];
  for (const c of result.clusters) {
    const bytes = c.files.reduce((s, f) => s + f.bytes, 0);
    lines.push(`  ${c.name.padEnd(12)} ${String(c.events).padStart(7)} records  ${String(c.files.length).padStart(4)} files  ${(bytes / 1e6).toFixed(1).padStart(6)} MB`);
  }
  lines.push(`  attack story: ${result.story.rows.length} requests in ${result.story.steps.length} steps${args.story ? `, described in ${args.story}` : ''}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
