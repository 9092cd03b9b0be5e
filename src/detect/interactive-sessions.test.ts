/**
 * pod-exec and pod-port-forward report a principal's first day of sessions within their baseline. Whether a
 * principal is known depends on what earlier runs landed, which one fixture run cannot show: here the
 * days arrive in separate runs, as they do in production.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { event, exec, world, type World } from '../../test/helpers/detect-db.js';
import { silentLogger } from '../log.js';
import { library } from './library.js';
import { runDetections } from './run.js';

const lib = () => library().filter((d) => d.id === 'pod-exec' || d.id === 'pod-port-forward');
let run = 0;
const detect = (w: World) => runDetections(w.db, w.job, { runId: `r${++run}`, now: new Date('2026-06-01T00:00:00Z'), log: silentLogger(), library: lib() });

const tunnel = (seed: string, at: string, user: string) =>
  event(seed, at, {
    verb: 'get',
    user: { username: user, groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', subresource: 'portforward', namespace: 'data', name: 'postgres-0' },
    requestURI: '/api/v1/namespaces/data/pods/postgres-0/portforward?ports=5432',
    responseStatus: { code: 101 },
  });

let w: World | undefined;
afterEach(() => {
  w?.close();
  w = undefined;
});

describe('first interactive sessions', () => {
  it('reports a principal once for its first day, not again while it keeps using exec, and again after the baseline', async () => {
    w = await world();
    await w.land('c1', [exec('is-1', '2026-03-02T09:00:00Z', 'alice@example.com', 'web-1', 'ls'), exec('is-2', '2026-03-02T15:00:00Z', 'alice@example.com', 'web-2', 'df')]);
    expect(await detect(w)).toMatchObject({ newFindings: 1, bySeverity: { low: 1 } });

    // the next days, in later runs: known from what the first run landed
    await w.land('c1', [exec('is-3', '2026-03-03T09:00:00Z', 'alice@example.com'), exec('is-4', '2026-03-20T09:00:00Z', 'alice@example.com')]);
    expect(await detect(w)).toMatchObject({ newFindings: 0, updatedFindings: 0 });

    // 31 days after her last session she is new again; bob is new the first time
    await w.land('c1', [exec('is-5', '2026-04-21T09:00:00Z', 'alice@example.com'), exec('is-6', '2026-04-21T09:30:00Z', 'bob@example.com')]);
    expect(await detect(w)).toMatchObject({ newFindings: 2 });

    const ids = (...seeds: string[]) => seeds.map((s) => exec(s, '2026-01-01T00:00:00Z', 'x').auditID).sort();
    expect(await w.query(`SELECT group_key, CAST(period_start AS VARCHAR) AS day, event_count, audit_ids FROM findings ORDER BY 2, 1`)).toEqual([
      { group_key: 'alice@example.com', day: '2026-03-02 00:00:00+00', event_count: '2', audit_ids: ids('is-1', 'is-2') },
      { group_key: 'alice@example.com', day: '2026-04-21 00:00:00+00', event_count: '1', audit_ids: ids('is-5') },
      { group_key: 'bob@example.com', day: '2026-04-21 00:00:00+00', event_count: '1', audit_ids: ids('is-6') },
    ]);
  });

  it('keeps exec and port-forward apart: a regular tunnel user opening a shell is new to exec', async () => {
    w = await world();
    await w.land('c1', [tunnel('pf-1', '2026-03-01T10:00:00Z', 'dev@example.com')]);
    await detect(w);
    await w.land('c1', [tunnel('pf-2', '2026-03-02T10:00:00Z', 'dev@example.com'), exec('pf-3', '2026-03-02T11:00:00Z', 'dev@example.com')]);
    const s = await detect(w);
    expect(s.newFindings).toBe(1);
    expect(s.findings).toMatchObject([{ detectionId: 'pod-exec', summary: 'dev@example.com exec into default/web-1 (sh), with no session in the 30d before that day' }]);
  });
});
