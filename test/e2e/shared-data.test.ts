// Every audit-data file under ../shared/data imports; only the deliberately malformed Falco fixture is
// quarantined. (labels.jsonl and README.md describe the samples; they are not audit data.)
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { kubetrail } from '../helpers/cli.js';
import { SHARED_DATA, Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}

describe('the public samples', () => {
  const files = walk(SHARED_DATA).filter((f) => !/(labels\.jsonl|README\.md)$/.test(f));
  ws.writeJob('  - name: samples\n    provider: files\n    paths: ["none"]\n');
  const run = kubetrail(['import', '--config', ws.job, '--cluster', 'samples', ...files]);

  it('imports every file, printing counts per envelope', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(files.length).toBeGreaterThan(50);
    for (const env of ['raw-event', 'cloudwatch-event', 'gke-logentry', 'azure-diagnostic']) expect(run.stdout).toMatch(new RegExp(`\\n  ${env}\\s+[1-9]\\d* new`));
    expect(run.stdout).not.toContain('problem:');
  });

  it('quarantines the malformed Falco fixture with a reason, and nothing else', async () => {
    const q = await ws.query(`SELECT source, source_line, reason FROM quarantine`);
    expect(q).toEqual([{ source: join(SHARED_DATA, 'falco', 'fal_01_003.json'), source_line: '1', reason: 'not an audit record: kind is 0, expected "Event"' }]);
  });

  it('lands every Falco trace event once (traces share events: each key lands once)', async () => {
    const keys = new Set(
      files
        .filter((f) => f.includes('/falco/') && !f.endsWith('fal_01_003.json'))
        .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()))
        .map((l) => JSON.parse(l) as { auditID: string; stage?: string })
        .map((e) => `${e.auditID}|${e.stage ?? 'Unknown'}`),
    );
    const landed = await ws.query(`SELECT audit_id || '|' || stage AS k FROM audit_events WHERE source LIKE '%/falco/%'`);
    expect(new Set(landed.map((r) => r.k))).toEqual(keys);
    expect(landed.length).toBe(keys.size);
  });
});
