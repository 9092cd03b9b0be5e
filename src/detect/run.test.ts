import { afterEach, describe, expect, it } from 'vitest';
import { event, exec, secretGet, world, type World } from '../../test/helpers/detect-db.js';
import { silentLogger } from '../log.js';
import { library, type LoadedDetection } from './library.js';
import { runDetections, type DetectOptions } from './run.js';

const lib = (...ids: string[]): LoadedDetection[] => library().filter((d) => ids.includes(d.id));
const opts = (runId: string, extra: Partial<DetectOptions> = {}): DetectOptions => ({
  runId,
  now: new Date('2026-03-04T12:00:00Z'),
  log: silentLogger(),
  ...extra,
});

const FINDING_COLS = `detection_id, severity, cluster, fingerprint, CAST(first_seen AS VARCHAR) AS first_seen, CAST(last_seen AS VARCHAR) AS last_seen,
  event_count, summary, audit_ids, status, group_key, principals, source_ips, new_in_run, updated_in_run`;

let w: World | undefined;
afterEach(() => {
  w?.close();
  w = undefined;
});

describe('runDetections', () => {
  it('links each finding to its evidence, and a rerun or a re-import adds nothing', async () => {
    w = await world();
    const a = exec('idem-a', '2026-03-02T10:00:00Z', 'alice@example.com', 'web-1', 'sh');
    const b = exec('idem-b', '2026-03-02T10:05:00Z', 'bob@example.com', 'web-2', 'id');
    expect((await w.land('c1', [a, b])).landed).toBe(2);

    const s1 = await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec') }));
    expect(s1).toMatchObject({ detections: 1, newEvents: 2, newFindings: 2, updatedFindings: 0, bySeverity: { low: 2 }, errors: [] });
    const first = await w.query<Record<string, unknown>>(`SELECT ${FINDING_COLS} FROM findings ORDER BY summary`);
    expect(first).toMatchObject([
      {
        detection_id: 'pod-exec', severity: 'low', cluster: 'c1', event_count: '1', status: 'open',
        summary: 'alice@example.com exec into default/web-1 (sh), with no session in the 30d before that day', audit_ids: [a.auditID], principals: ['alice@example.com'],
        source_ips: ['10.1.2.3'], first_seen: '2026-03-02 10:00:00.007+00', last_seen: '2026-03-02 10:00:00.007+00', new_in_run: 'd1',
      },
      { summary: 'bob@example.com exec into default/web-2 (id), with no session in the 30d before that day', audit_ids: [b.auditID], event_count: '1' },
    ]);

    const s2 = await runDetections(w.db, w.job, opts('d2', { library: lib('pod-exec') }));
    expect(s2).toMatchObject({ newEvents: 0, newFindings: 0, updatedFindings: 0 });

    const again = await w.land('c1', [a, b]);
    expect(again).toMatchObject({ landed: 0, duplicates: 2 });
    const s3 = await runDetections(w.db, w.job, opts('d3', { library: lib('pod-exec') }));
    expect(s3).toMatchObject({ newFindings: 0, updatedFindings: 0 });
    expect(await w.query(`SELECT ${FINDING_COLS} FROM findings ORDER BY summary`)).toEqual(first);
    expect(await w.query(`SELECT count(*) AS n FROM finding_events`)).toEqual([{ n: '2' }]);
  });

  it('counts a request logged at two stages once', async () => {
    w = await world();
    const done = exec('stages', '2026-03-02T10:00:00Z', 'alice@example.com');
    const started = { ...done, stage: 'ResponseStarted', stageTimestamp: done.requestReceivedTimestamp };
    await w.land('c1', [started]);
    await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec') }));
    await w.land('c1', [done]);
    const s2 = await runDetections(w.db, w.job, opts('d2', { library: lib('pod-exec') }));
    expect(s2).toMatchObject({ newEvents: 1, newFindings: 0 });
    expect(await w.query(`SELECT event_count, audit_ids FROM findings`)).toEqual([{ event_count: '1', audit_ids: [done.auditID] }]);
  });

  it('gives the same finding whatever windows the events arrive in (threshold detection looking back)', async () => {
    const yaml = `detect:\n  parameters:\n    secrets-read-burst: {threshold: 5, window: 30m}\n`;
    const reads = [1, 2, 3, 4, 5, 6].map((i) => secretGet(`burst-${i}`, `2026-03-02T10:0${i}:00Z`, 'eve@example.com', `s${i}`));
    const outcome = async (batches: number[][], replayAll = false) => {
      const wd = await world(yaml);
      try {
        let run = 0;
        for (const batch of batches) {
          await wd.land('c1', batch.map((i) => reads[i - 1]!));
          await runDetections(wd.db, wd.job, opts(`r${++run}`, { library: lib('secrets-read-burst') }));
        }
        if (replayAll) {
          // an overlapping window: forget the watermark and look at everything again
          await wd.query(`DELETE FROM detect_state`);
          const s = await runDetections(wd.db, wd.job, opts('replay', { library: lib('secrets-read-burst') }));
          expect(s).toMatchObject({ newEvents: 6, newFindings: 0, updatedFindings: 0 });
        }
        return await wd.query<Record<string, unknown>>(
          `SELECT fingerprint, event_count, CAST(first_seen AS VARCHAR) AS first_seen, CAST(last_seen AS VARCHAR) AS last_seen, audit_ids FROM findings`,
        );
      } finally {
        wd.close();
      }
    };
    const once = await outcome([[1, 2, 3, 4, 5, 6]]);
    expect(once).toEqual([
      {
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
        event_count: '6',
        first_seen: '2026-03-02 10:01:00.007+00',
        last_seen: '2026-03-02 10:06:00.007+00',
        audit_ids: reads.map((r) => r.auditID).sort(),
      },
    ]);
    // below the threshold in the first window; the second run looks back and takes the first reads in
    expect(await outcome([[1, 2, 3], [4, 5, 6]])).toEqual(once);
    // grows run by run without counting any read twice, and a replay of everything changes nothing
    expect(await outcome([[1, 2, 3, 4], [5], [6]], true)).toEqual(once);
  });

  it('applies a suppression until it expires, then says so', async () => {
    const yaml = `detect:
  suppressions:
    - reason: alice debugs the web pods
      detections: [pod-exec]
      principals: ["alice@*"]
      expires: 2026-03-05
`;
    const events = [exec('sup-a', '2026-03-02T10:00:00Z', 'alice@example.com'), exec('sup-b', '2026-03-02T10:01:00Z', 'bob@example.com')];
    w = await world(yaml);
    await w.land('c1', events);
    const before = await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec'), now: new Date('2026-03-05T23:59:00Z') }));
    expect(before).toMatchObject({ newFindings: 1, suppressed: { 'pod-exec': 1 }, expiredSuppressions: [] });
    expect(await w.query(`SELECT principals FROM findings`)).toEqual([{ principals: ['bob@example.com'] }]);
    w.close();

    w = await world(yaml);
    await w.land('c1', events);
    const after = await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec'), now: new Date('2026-03-06T00:00:00Z') }));
    expect(after).toMatchObject({ newFindings: 2, suppressed: {} });
    expect(after.expiredSuppressions).toEqual(['detect.suppressions[0] (pod-exec) "alice debugs the web pods" expired 2026-03-06T00:00:00Z: no longer applied']);
  });

  it('suppresses by address range only when every address is in range, and by image only when every image is allowed', async () => {
    w = await world(`detect:
  suppressions:
    - {reason: jump host, sourceCidrs: [10.0.0.0/8, "2001:db8::/32"]}
    - {reason: our CNI, images: ["registry.example.com/*"], namespaces: [kube-*]}
`);
    const fromJump = exec('cidr-1', '2026-03-02T10:00:00Z', 'alice@example.com', 'a');
    const forwarded = { ...exec('cidr-2', '2026-03-02T10:00:01Z', 'alice@example.com', 'b'), sourceIPs: ['203.0.113.5', '10.9.9.9'] };
    const v6 = { ...exec('cidr-3', '2026-03-02T10:00:02Z', 'alice@example.com', 'c'), sourceIPs: ['2001:db8:1::5'] };
    const pod = (seed: string, name: string, images: string[]) =>
      event(seed, '2026-03-02T10:01:00Z', {
        verb: 'create',
        user: { username: 'ops@example.com' },
        sourceIPs: ['203.0.113.9'],
        objectRef: { resource: 'pods', namespace: 'kube-system', name },
        requestObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image, securityContext: { privileged: true } })) } },
      });
    await w.land('c1', [fromJump, forwarded, v6, pod('img-1', 'cni', ['registry.example.com/cni:1']), pod('img-2', 'mixed', ['registry.example.com/cni:1', 'evil.io/x:1'])]);
    const s = await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec', 'privileged-container') }));
    expect(s.suppressed).toEqual({ 'pod-exec': 2, 'privileged-container': 1 });
    expect(await w.query(`SELECT detection_id, group_key FROM findings ORDER BY 1, 2`)).toEqual([
      { detection_id: 'pod-exec', group_key: 'alice@example.com' },
      { detection_id: 'privileged-container', group_key: 'kube-system/mixed' },
    ]);
  });

  it('reopens a resolved finding when new evidence arrives, and counts it for --fail-on', async () => {
    w = await world();
    await w.land('c1', [exec('re-1', '2026-03-02T10:00:00Z', 'alice@example.com')]);
    await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec') }));
    await w.query(`UPDATE findings SET status = 'resolved'`);
    await w.land('c1', [exec('re-2', '2026-03-02T11:00:00Z', 'alice@example.com')]);
    const s = await runDetections(w.db, w.job, opts('d2', { library: lib('pod-exec'), failOn: 'low' }));
    expect(s).toMatchObject({ newFindings: 1, reopenedFindings: 1, updatedFindings: 0, failing: 1 });
    expect(s.findings).toMatchObject([{ detectionId: 'pod-exec', reopened: true, eventCount: 2 }]);
    expect(await w.query(`SELECT status, reopened_in_run, event_count, new_in_run FROM findings`)).toEqual([
      { status: 'open', reopened_in_run: 'd2', event_count: '2', new_in_run: 'd1' },
    ]);
  });

  it('counts only new findings at or above --fail-on', async () => {
    w = await world();
    await w.land('c1', [exec('fo-1', '2026-03-02T10:00:00Z', 'alice@example.com')]);
    const high = await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec'), failOn: 'high' }));
    expect(high).toMatchObject({ newFindings: 1, failing: 0 });
    await w.land('c1', [exec('fo-2', '2026-03-02T10:00:00Z', 'bob@example.com')]);
    const low = await runDetections(w.db, w.job, opts('d2', { library: lib('pod-exec'), failOn: 'low' }));
    expect(low).toMatchObject({ newFindings: 1, failing: 1 });
  });

  it('reports a failing detection, keeps its watermark, and goes on with the others', async () => {
    w = await world();
    await w.land('c1', [exec('err-1', '2026-03-02T10:00:00Z', 'alice@example.com')]);
    const good = lib('pod-exec')[0]!;
    const broken: LoadedDetection = { ...good, id: 'broken-detection', file: 'queries/detections/x/broken-detection.sql', sql: `SELECT cluster, audit_id, event_time, no_such_column AS group_key, '' AS summary FROM events` };
    const s1 = await runDetections(w.db, w.job, opts('d1', { library: [good, broken] }));
    expect(s1.newFindings).toBe(1);
    expect(s1.errors).toHaveLength(1);
    expect(s1.errors[0]!.detection).toBe('broken-detection');
    expect(s1.errors[0]!.message).toMatch(/^queries\/detections\/x\/broken-detection\.sql: .*no_such_column/);
    expect(await w.query(`SELECT detection_id FROM detect_state`)).toEqual([{ detection_id: 'pod-exec' }]);
    const s2 = await runDetections(w.db, w.job, opts('d2', { library: [good, broken] }));
    expect(s2).toMatchObject({ newFindings: 0, newEvents: 1 });
    expect(s2.errors.map((e) => e.detection)).toEqual(['broken-detection']);
  });

  it('runs a detection added later over everything landed before it', async () => {
    w = await world();
    await w.land('c1', [exec('late-1', '2026-03-02T10:00:00Z', 'alice@example.com', 'web-1', 'bash')]);
    await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec') }));
    const s = await runDetections(w.db, w.job, opts('d2', { library: lib('pod-exec', 'exec-shell-or-download-tool') }));
    expect(s.newFindings).toBe(1);
    expect(s.findings).toMatchObject([{ detectionId: 'exec-shell-or-download-tool', summary: 'alice@example.com ran a shell or tool in default/web-1: bash' }]);
  });

  it('leaves disabled detections out', async () => {
    w = await world(`detect:\n  disabled: [pod-exec]\n`);
    await w.land('c1', [exec('dis-1', '2026-03-02T10:00:00Z', 'alice@example.com')]);
    const s = await runDetections(w.db, w.job, opts('d1', { library: lib('pod-exec', 'exec-in-system-namespace') }));
    expect(s).toMatchObject({ detections: 1, newFindings: 0 });
    expect(await w.query(`SELECT detection_id FROM detect_state`)).toEqual([{ detection_id: 'exec-in-system-namespace' }]);
  });
});
