import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, renameSync, rmSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { importFiles } from '../../../test/helpers/land.js';
import { Workspace } from '../../../test/helpers/workspace.js';

const ws = new Workspace();
afterAll(() => ws.remove());

const line = (n: number) =>
  JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `id-${n}`, stage: 'ResponseComplete', verb: 'get',
    requestURI: `/api/v1/namespaces/a/pods/p${n}`, user: { username: 'u' }, objectRef: { resource: 'pods', namespace: 'a', name: `p${n}` },
    responseStatus: { code: 200 }, stageTimestamp: new Date(Date.UTC(2026, 10, 7, 0, 0, n)).toISOString() }) + '\n';
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => line(from + i)).join('');
const pull = () => importFiles(ws.db, 'live', [join(ws.dir, 'logs')], { mode: 'pull' });
const ids = async () => (await ws.query(`SELECT audit_id FROM audit_events ORDER BY audit_id`)).map((r) => r.audit_id);
const old = (f: string) => utimesSync(f, new Date(Date.now() - 3600e3), new Date(Date.now() - 3600e3));

describe('files source, incremental', () => {
  const dir = join(ws.dir, 'logs');
  const active = join(dir, 'audit.log');

  it('reads appended lines only, and leaves a line still being written for the next run', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(active, lines(0, 5));
    expect((await pull()).counts).toMatchObject({ landed: 5, duplicates: 0 });
    appendFileSync(active, lines(5, 8) + line(8).slice(0, 40)); // id-8 half written, file just modified
    expect((await pull()).counts).toMatchObject({ landed: 3, duplicates: 0 });
    appendFileSync(active, line(8).slice(40));
    expect((await pull()).counts).toMatchObject({ landed: 1, duplicates: 0 });
    expect(await pull()).toMatchObject({ counts: { records: 0 }, stats: { files_unchanged: 1 } });
    expect(await ids()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `id-${n}`).sort());
  });

  it('does not read a rotated or compressed copy again, and reads the new active file', async () => {
    appendFileSync(active, lines(9, 11));
    renameSync(active, join(dir, 'audit.log.1')); // rotated before kubetrail saw id-9, id-10
    writeFileSync(join(dir, 'audit.log.1.gz'), gzipSync(readFileSync(join(dir, 'audit.log.1'))));
    rmSync(join(dir, 'audit.log.1'));
    writeFileSync(active, lines(11, 13));
    const r = await pull();
    expect(r.counts).toMatchObject({ landed: 4, duplicates: 0 });
    expect(await ids()).toEqual(Array.from({ length: 13 }, (_, n) => `id-${n}`).sort());
    expect((await pull()).counts.records).toBe(0);
  });

  it('takes an unterminated last line once the file has been quiet for a while', async () => {
    appendFileSync(active, line(13).trimEnd());
    expect((await pull()).counts.landed).toBe(0);
    old(active);
    expect((await pull()).counts.landed).toBe(1);
    const state = await ws.query(`SELECT state FROM pull_state WHERE cluster = 'live' AND json_extract_string(state, '$.path') = $1`, [active]);
    expect(state[0]!.state).toMatchObject({ offset: readFileSync(active).length, complete: true });
  });
});
