/**
 * demo-eks as CloudWatch Logs gives it: FilterLogEvents event objects of log group
 * /aws/eks/demo-eks/cluster. Two API server instances each write to a `kube-apiserver-audit-<32 hex>`
 * stream that rotates about daily; ingestionTime trails the event by seconds (minutes on a bad day).
 * Six days as JSON lines (one event object per line, as a puller or `jq -c '.events[]'` keeps them) and
 * the last day as `aws logs filter-log-events` prints it: one `{"events": [...]}` document.
 */
import { ClusterOutput, jsonLines } from './output.js';
import type { Random } from './random.js';
import { eventJson, type AuditEvent, US } from './request.js';
import { dateOf, dayIndex, DAY_US, HOUR_US, lastDay, type Week } from './timeline.js';

/**
 * Median delay between an event and CloudWatch's ingestionTime: usually seconds; during the slow day
 * (STORY.md's gaps) twice the ingestion-lag check's 10 min, so that the week's 95th percentile passes it.
 */
export const EKS_LAG = { usualMs: 20_000, slowMs: 20 * 60_000 } as const;

export interface LagWindow {
  fromUs: number;
  toUs: number;
}

export function writeEks(out: ClusterOutput, events: AuditEvent[], week: Week, rng: Random, slowDay: LagWindow): void {
  // stream rotation: each instance starts a new stream every 20-30 hours
  const instances = [0, 1].map(() => {
    const streams: Array<[number, string]> = [];
    for (let t = week.startUs - rng.int(0, 20) * HOUR_US; t < week.endUs; t += rng.int(20, 30) * HOUR_US) streams.push([t, `kube-apiserver-audit-${rng.hex(32)}`]);
    return streams;
  });
  const byDay = new Map<number, unknown[]>();
  for (const e of events) {
    const us = e[US];
    const streams = instances[rng.int(0, 1)]!;
    let stream = streams[0]![1];
    for (const [since, name] of streams) {
      if (since > us) break;
      stream = name;
    }
    const slow = us >= slowDay.fromUs && us < slowDay.toUs;
    const lagMs = slow ? rng.lognormal(EKS_LAG.slowMs, 0.45) : Math.min(rng.lognormal(EKS_LAG.usualMs, 0.7), 240_000);
    const timestamp = Math.floor(us / 1000);
    const day = dayIndex(week, us);
    const list = byDay.get(day) ?? byDay.set(day, []).get(day)!;
    list.push({ logStreamName: stream, timestamp, message: eventJson(e), ingestionTime: timestamp + Math.round(lagMs), eventId: rng.digits(56) });
  }
  for (const [day, list] of [...byDay.entries()].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => (a as { timestamp: number }).timestamp - (b as { timestamp: number }).timestamp);
    const date = dateOf(week.anchorUs + day * DAY_US);
    const last = (list[list.length - 1] as { ingestionTime: number }).ingestionTime * 1000;
    if (day === lastDay(week)) {
      out.write(`aws-logs-filter-log-events-${date}.json`, JSON.stringify({ events: list, searchedLogStreams: [] }, null, 4) + '\n', list.length, last);
    } else {
      out.write(`filter-log-events-${date}.jsonl`, jsonLines(list), list.length, last);
    }
  }
}
