/**
 * Generating the demo dataset: a week of four clusters' audit logs, each in its provider's own envelope,
 * with ordinary traffic, one attack story and the gaps the coverage report should find. Deterministic:
 * the same seed and end give the same files, byte for byte.
 */
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { attackOnEks, attackOnOnprem, type Story } from './attack.js';
import { ClusterTraffic } from './cluster-traffic.js';
import { aks, eks, gke, onprem, type ClusterProfile } from './clusters.js';
import { ClusterOutput, type WrittenFile } from './output.js';
import { kubectlSessions } from './people-traffic.js';
import { aksExtras, eksExtras, eksReportingJob, gkeExtras, onpremExtras } from './provider-traffic.js';
import { Random } from './random.js';
import { toEvents, type AuditEvent, US } from './request.js';
import { delegatedAuth, leases, nodeHeartbeats, scanners, tokenRefreshes, watches } from './system-traffic.js';
import { at, dayIndex, lastDay, weekEnding, type Week } from './timeline.js';
import { backupCronJob, rollouts } from './workload-traffic.js';
import { writeAks } from './write-aks.js';
import { writeEks } from './write-eks.js';
import { isDataAccess, writeGke } from './write-gke.js';
import { writeOnprem } from './write-onprem.js';
import { demoPosture, type ClusterPosture } from './posture.js';

export const DEFAULT_SEED = 'kubetrail-demo-1';

export interface DemoOptions {
  /** Output directory; each cluster gets a subdirectory named after it. */
  out: string;
  end: Date;
  seed?: string;
}

/** Where the gaps are, in microseconds since the epoch. */
export interface Gaps {
  onpremHole: { fromUs: number; toUs: number };
  eksSlowIngestion: { fromUs: number; toUs: number };
  gkeDataAccessFromUs: number;
  aksLogAnalyticsFromUs: number;
}

export interface ClusterSummary {
  name: string;
  provider: string;
  dir: string;
  requests: number;
  events: number;
  files: WrittenFile[];
  perDay: number[];
  /** Fewest and most records in one hour (hours with none, the outage, left out). */
  quietestHour: number;
  busiestHour: number;
}

export interface DemoResult {
  week: Week;
  seed: string;
  gaps: Gaps;
  story: Story;
  clusters: ClusterSummary[];
  /** What the managed clusters' provider APIs say about their audit configuration (not in the files: `kubetrail demo` records it). */
  posture: ClusterPosture[];
}

export function gapsOf(week: Week): Gaps {
  return {
    onpremHole: { fromUs: at(week, 2, '13:12:07') + 412_000, toUs: at(week, 2, '16:47:30') },
    // a whole day: about a tenth of the week's events, so the week's 95th percentile of lag shows it
    eksSlowIngestion: { fromUs: at(week, 1, '08:00'), toUs: at(week, 2, '08:00') },
    gkeDataAccessFromUs: at(week, 4, '09:30'),
    aksLogAnalyticsFromUs: at(week, 2, '00:00'),
  };
}

/**
 * The coverage checks that must alarm on each cluster because of its gaps, and no others: STORY.md's gaps
 * table lists them, test/demo/story.test.ts checks them against a `kubetrail demo` run.
 */
export const GAP_ALARMS: Record<string, string[]> = {
  'demo-eks': ['ingestion-lag'],
  'demo-gke': ['reads-observed'], // the days before Data Access was turned on: writes, no reads
  'demo-aks': ['reads-collected', 'reads-observed', 'blind-detections', 'shared-admin-identity', 'truncated-events'],
  'demo-onprem': ['no-event-gaps', 'shared-admin-identity', 'sa-pod-attribution'],
};

function ordinaryTraffic(profile: ClusterProfile, week: Week, seed: string): ClusterTraffic {
  const t = new ClusterTraffic(profile, week, new Random(`${seed}/${profile.name}`));
  rollouts(t); // first: it decides which pods exist when
  backupCronJob(t);
  leases(t);
  nodeHeartbeats(t);
  watches(t);
  tokenRefreshes(t);
  delegatedAuth(t);
  scanners(t);
  kubectlSessions(t);
  if (profile.provider === 'eks') {
    eksExtras(t);
    eksReportingJob(t);
  }
  if (profile.provider === 'gke') gkeExtras(t);
  if (profile.provider === 'aks') aksExtras(t);
  if (profile.provider === 'files') onpremExtras(t);
  return t;
}

/** Events the provider never stored: GKE Data Access before it was enabled, demo-onprem's outage. */
function lost(profile: ClusterProfile, us: number, e: AuditEvent, gaps: Gaps): boolean {
  if (profile.provider === 'gke') return us < gaps.gkeDataAccessFromUs && isDataAccess(e);
  if (profile.provider === 'files') return us >= gaps.onpremHole.fromUs && us < gaps.onpremHole.toUs;
  return false;
}

function auditEvents(t: ClusterTraffic): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const r of t.requests) {
    for (const e of toEvents(r, t.profile.policy(r))) if (t.within(e[US])) events.push(e);
  }
  return events.sort((a, b) => a[US] - b[US]);
}

export function generateDemo(opts: DemoOptions): DemoResult {
  const seed = opts.seed ?? DEFAULT_SEED;
  const week = weekEnding(opts.end);
  const gaps = gapsOf(week);
  const story: Story = { rows: [], steps: [] };
  mkdirSync(opts.out, { recursive: true });
  const clusters: ClusterSummary[] = [];
  // one cluster at a time, so that only one cluster's requests are in memory
  for (const profile of [eks, gke, aks, onprem]) {
    const t = ordinaryTraffic(profile, week, seed);
    if (profile === eks) attackOnEks(t, story);
    if (profile === onprem) attackOnOnprem(t, story);
    const name = profile.name;
    rmSync(join(opts.out, name), { recursive: true, force: true });
    const out = new ClusterOutput(opts.out, name);
    const events = auditEvents(t).filter((e) => !lost(profile, e[US], e, gaps));
    const rng = new Random(`${seed}/${name}/envelope`);
    switch (t.profile.provider) {
      case 'eks':
        writeEks(out, events, week, rng, gaps.eksSlowIngestion);
        break;
      case 'gke':
        writeGke(out, events, week, rng);
        break;
      case 'aks':
        writeAks(out, events, week, rng, gaps.aksLogAnalyticsFromUs);
        break;
      default:
        writeOnprem(out, events, week, gaps.onpremHole.fromUs);
    }
    const perDay = Array.from({ length: lastDay(week) + 1 }, () => 0);
    const perHour = Array.from({ length: (lastDay(week) + 1) * 24 }, () => 0);
    for (const e of events) {
      perDay[dayIndex(week, e[US])]!++;
      perHour[Math.floor((e[US] - week.anchorUs) / 3_600e6)]!++;
    }
    const active = perHour.filter((n) => n > 0);
    const requests = t.requests.length;
    clusters.push({ name, provider: t.profile.provider, dir: name, requests, events: out.files.reduce((s, f) => s + f.records, 0), files: out.files, perDay, quietestHour: Math.min(...active), busiestHour: Math.max(...active) });
  }
  const result: DemoResult = { week, seed, gaps, story, clusters, posture: demoPosture(gaps.gkeDataAccessFromUs) };
  writeFileSync(join(opts.out, 'manifest.json'), JSON.stringify(manifest(result), null, 2) + '\n');
  return result;
}

/** What was generated, for people and scripts (not read by kubetrail: it sits outside the cluster directories). */
function manifest(r: DemoResult): unknown {
  const iso = (us: number) => new Date(us / 1000).toISOString();
  return {
    generator: 'src/demo/generate.ts',
    seed: r.seed,
    start: iso(r.week.startUs),
    end: iso(r.week.endUs),
    gaps: {
      onpremHole: { from: iso(r.gaps.onpremHole.fromUs), to: iso(r.gaps.onpremHole.toUs) },
      eksSlowIngestion: { from: iso(r.gaps.eksSlowIngestion.fromUs), to: iso(r.gaps.eksSlowIngestion.toUs) },
      gkeDataAccessFrom: iso(r.gaps.gkeDataAccessFromUs),
      aksLogAnalyticsFrom: iso(r.gaps.aksLogAnalyticsFromUs),
    },
    clusters: Object.fromEntries(r.clusters.map((c) => [c.name, { provider: c.provider, records: c.events, files: c.files }])),
    story: r.story.rows.map((row) => ({ step: row.step, cluster: row.cluster, auditID: row.request.auditID, at: iso(row.request.receivedUs) })),
  };
}
