import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Database } from '../store/database.js';
import { Lander, prepareStagingDir } from './lander.js';

let dir: string;
let db: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kt-lander-'));
  db = await Database.open(join(dir, 'kt.duckdb'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = (id: string) => ({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete', verb: 'get', stageTimestamp: '2026-11-20T10:00:00Z' });

it('keeps a source index valid across checkpoints (a source that goes on adding after one)', async () => {
  const conn = await db.connect();
  const lander = new Lander(conn, { cluster: 'c', provider: 'files', runId: 'r1' }, prepareStagingDir(join(dir, 'kt.duckdb')));
  const s = lander.source('/var/log/audit.log');
  lander.addValue(s, 1, event('a'));
  await lander.checkpoint([{ stream: 'x', state: { offset: 1 } }]);
  lander.addValue(s, 2, event('b'));
  await lander.checkpoint([{ stream: 'x', state: { offset: 2 } }]);
  const counts = await lander.finish();
  expect(counts.landed).toBe(2);
  const rows = (await conn.runAndReadAll(`SELECT audit_id, source, source_line FROM audit_events ORDER BY audit_id`)).getRowObjectsJson();
  expect(rows).toEqual([
    { audit_id: 'a', source: '/var/log/audit.log', source_line: '1' },
    { audit_id: 'b', source: '/var/log/audit.log', source_line: '2' },
  ]);
  conn.closeSync();
});
