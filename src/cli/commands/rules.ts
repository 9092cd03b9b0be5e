import { Option, type Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { library, type LoadedDetection } from '../../detect/library.js';
import { showParameterValue } from '../../detect/params.js';
import { atLeast, SEVERITIES, type Severity } from '../../detect/severity.js';
import { describeExpired, suppressionStates } from '../../detect/suppressions.js';
import { runFixtures, type FixtureResult } from '../../detect/fixtures/runner.js';
import { handle, openJob } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { formatRows } from '../table.js';

export function registerRules(program: Command, set: SetExit): void {
  const rules = program.command('rules').description('the detection library');
  rules
    .command('list')
    .description('list the detections (id, severity, what they need, where they are blind)')
    .option('--tag <tag...>', 'only detections with one of these tags')
    .addOption(new Option('--severity <severity>', 'only detections at or above this severity').choices(SEVERITIES))
    .option('--config <file>', 'job file: also show what it disables, overrides and suppresses')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { tag?: string[]; severity?: Severity; config?: string; format: 'table' | 'json' }) =>
      set(await handle(async () => {
        const job = opts.config ? openJob(opts.config) : undefined;
        const detect = job?.job.detect;
        const now = new Date();
        const states = suppressionStates(detect?.suppressions ?? [], now);
        const selected = library().filter(
          (d) => (!opts.tag || d.tags.some((t) => opts.tag!.includes(t))) && (!opts.severity || atLeast(d.severity, opts.severity)),
        );
        if (!selected.length) throw new ConfigError(`no detection matches${opts.tag ? ` --tag ${opts.tag.join(' ')}` : ''}${opts.severity ? ` --severity ${opts.severity}` : ''}`);
        const rows = selected.map((d) => {
          const suppressions = states.filter((s) => !s.detections || s.detections.includes(d.id));
          const overrides = detect?.parameters[d.id] ?? {};
          return {
            id: d.id,
            severity: d.severity,
            title: d.title,
            needs: d.needs.join(','),
            blind_on: Object.keys(d.blindOn).join(',') || '-',
            tags: d.tags.join(','),
            mitre: d.mitre.join(','),
            ...(job
              ? {
                  state: detect?.disabled.includes(d.id) ? 'disabled' : 'enabled',
                  parameters: d.parameters.map((p) => `${p.name}=${p.name in overrides ? String(overrides[p.name]) : showParameterValue(p.type, p.default)}`).join(' '),
                  suppressions: suppressions.map((s) => `${s.path}${s.expired ? ' (expired)' : ''}`).join(' '),
                }
              : {}),
          };
        });
        if (opts.format === 'json') {
          process.stdout.write(JSON.stringify(selected.map((d) => json(d, rows.find((r) => r.id === d.id)!)), null, 2) + '\n');
        } else {
          const cols = ['id', 'severity', 'needs', 'blind_on', 'title', ...(job ? ['state', 'parameters', 'suppressions'] : [])];
          process.stdout.write(formatRows(cols, rows, 'table', 60));
          for (const s of states.filter((x) => x.expired)) process.stdout.write(`warning: ${describeExpired(s)}\n`);
        }
        return EXIT.ok;
      })),
    );
  rules
    .command('test')
    .description("run every detection's fixtures through each provider's envelope, the normalisers and the engine")
    .option('--only <id...>', 'only these detections')
    .option('--verbose', 'print every case, not only failures')
    .action(async (opts: { only?: string[]; verbose?: boolean }) =>
      set(await handle(async () => {
        if (opts.only) {
          const ids = new Set(library().map((d) => d.id));
          const unknown = opts.only.filter((id) => !ids.has(id));
          if (unknown.length) throw new ConfigError(`--only: no detection ${unknown.map((u) => `"${u}"`).join(', ')} (kubetrail rules list shows them)`);
        }
        const t0 = performance.now();
        const results = await runFixtures({ only: opts.only });
        process.stdout.write(formatFixtureResults(results, Boolean(opts.verbose)));
        const failed = results.filter((r) => !r.ok).length;
        process.stdout.write(`${results.length - failed} passed, ${failed} failed (${((performance.now() - t0) / 1000).toFixed(1)}s)\n`);
        return failed ? EXIT.fatal : EXIT.ok;
      })),
    );
}

function json(d: LoadedDetection, row: Record<string, string>) {
  return {
    id: d.id,
    title: d.title,
    severity: d.severity,
    mitre: d.mitre,
    needs: d.needs,
    blind_on: d.blindOn,
    tags: d.tags,
    parameters: d.parameters.map((p) => ({ name: p.name, type: p.type, default: showParameterValue(p.type, p.default), description: p.description })),
    file: d.file,
    ...(row.state ? { state: row.state, parameters_in_job: row.parameters, suppressions: row.suppressions } : {}),
  };
}

export function formatFixtureResults(results: FixtureResult[], verbose: boolean): string {
  const out: string[] = [];
  for (const r of results) {
    const cases = r.cases.length;
    const runs = r.cases.reduce((n, c) => n + c.variants.length, 0);
    const blind = [...new Set(r.cases.flatMap((c) => c.skipped.map((s) => `${s.variant}: ${s.why}`)))];
    out.push(`${r.ok ? 'PASS' : 'FAIL'}  ${r.detection}${r.error ? '' : `  (${cases} cases, ${runs} runs)`}`);
    if (r.error) out.push(`      ${r.error}`);
    for (const c of r.cases) {
      for (const v of c.variants) {
        if (!v.ok || verbose) out.push(`      ${v.ok ? 'ok  ' : 'FAIL'} ${c.expect.padEnd(5)} ${v.variant.padEnd(15)} ${c.name}${v.message ? `: ${v.message}` : ''}`);
      }
    }
    if (verbose) for (const b of blind) out.push(`      skipped fire cases on ${b}`);
  }
  return out.join('\n') + '\n';
}
