// Each bad input gets a clear message naming where it is, and loses nothing else.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { kubetrail } from '../helpers/cli.js';
import { Workspace } from '../helpers/workspace.js';
import { describeFsError } from '../../src/sources/files/discover.js';

const ws = new Workspace();
afterAll(() => ws.remove());

const ev = (id: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete', verb: 'get',
    requestURI: `/api/v1/namespaces/a/pods/${id}`, user: { username: 'u' }, sourceIPs: ['10.0.0.1'],
    objectRef: { resource: 'pods', namespace: 'a', name: id, apiVersion: 'v1' }, responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-11-06T00:00:00Z', stageTimestamp: '2026-11-06T00:00:01Z', ...over,
  });

describe('import of bad input', () => {
  ws.writeJob('  - name: onprem\n    provider: files\n    paths: ["logs/"]\n');
  const big = ev('big', { level: 'RequestResponse', requestObject: { kind: 'ConfigMap', data: { blob: 'y'.repeat(1_600_000) } } });
  const lines = [
    ev('good-1'),
    ev('truncated').slice(0, 120),
    big,
    Buffer.concat([Buffer.from(ev('bad-utf8').slice(0, 60)), Buffer.from([0xc3, 0x28]), Buffer.from(ev('bad-utf8').slice(62))]).toString('latin1'),
    ev('user-string', { user: 'root' }),
    ev('ips-string', { sourceIPs: '10.9.9.9' }),
    ev('bad-time', { stageTimestamp: 'yesterday at noon' }),
    ev('bad-code', { responseStatus: { code: 'OK' } }),
    ev('good-2'),
  ];
  const file = ws.file('mixed.log', Buffer.concat(lines.map((l, i) => (i === 3 ? Buffer.from(l, 'latin1') : Buffer.from(l))).flatMap((b) => [b, Buffer.from('\n')])));
  ws.file('empty.log', '');
  const corruptGz = ws.file('old.log.gz', gzipSync([ev('gz-1'), ev('gz-2'), ev('gz-3')].join('\n') + '\n').subarray(0, 60));
  mkdirSync(join(ws.dir, 'dir.log'));
  symlinkSync(join(ws.dir, 'nowhere.log'), join(ws.dir, 'dangling.log'));

  const run = kubetrail(['import', '--config', ws.job, '--cluster', 'onprem', file, join(ws.dir, 'empty.log'), corruptGz, join(ws.dir, 'dangling.log')]);

  it('lands the good lines (including a line over 1.5 MiB) and quarantines each bad one with file:line and reason', async () => {
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack traces
    const landed = await ws.query(`SELECT audit_id FROM audit_events ORDER BY audit_id`);
    expect(landed.map((r) => r.audit_id)).toEqual(['big', 'good-1', 'good-2']);
    const q = await ws.query(`SELECT source, source_line, reason FROM quarantine ORDER BY source, source_line`);
    const m = Object.fromEntries(q.filter((r) => r.source === file).map((r) => [r.source_line, String(r.reason)]));
    expect(m['2']).toMatch(/^invalid JSON: /);
    expect(m['4']).toBe('not valid UTF-8 (first bad byte at offset 60)');
    expect(m['5']).toBe('wrong field types: user is varchar, expected an object');
    expect(m['6']).toBe('wrong field types: sourceIPs is varchar, expected an array');
    expect(m['7']).toBe('wrong field types: stageTimestamp "yesterday at noon" is not a timestamp');
    expect(m['8']).toBe('wrong field types: responseStatus.code "OK" is not a number');
    expect(Object.keys(m).sort()).toEqual(['2', '4', '5', '6', '7', '8']);
  });

  it('says what happened to every file and counts everything in the summary and the runs row', async () => {
    expect(run.code).toBe(3); // partial: some files could not be read
    expect(run.stdout).toMatch(/onprem\s+files\s+ok\s+\d+\s+3\s+0\s+0\s+6/);
    expect(run.stdout).toContain(`problem: onprem: ${corruptGz}: `);
    expect(run.stdout).toContain(`problem: onprem: ${join(ws.dir, 'dangling.log')}: does not exist`);
    const [r] = await ws.query(`SELECT status, landed, quarantined, errors FROM runs`);
    expect(r).toMatchObject({ status: 'partial', landed: '3', quarantined: '6' });
    expect(JSON.stringify(r!.errors)).toContain('dangling.log');
  });

  it('names what to do for permission problems', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(describeFsError(err)).toBe('permission denied: make the file readable by the user kubetrail runs as');
  });
});
