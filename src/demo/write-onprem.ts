/**
 * demo-onprem as its kube-apiserver's log backend leaves it in /var/log/kubernetes/audit: raw
 * audit.k8s.io/v1 Events, one per line. Files: an old compressed backup named by its rotation time
 * (`audit-2026-11-11T13-12-07.412.log.gz`), then `audit.log.1` and the live `audit.log` (logrotate
 * took over after the outage). Between the first and the second there is nothing: the control-plane
 * node's log volume filled up and the API server wrote no audit events for about three and a half hours.
 */
import { ClusterOutput } from './output.js';
import { eventJson, type AuditEvent, US } from './request.js';
import { at, type Week } from './timeline.js';

/**
 * `events` are what the API server wrote (demo.ts has already taken out the outage); the backup file
 * ends where the outage began.
 */
export function writeOnprem(out: ClusterOutput, events: AuditEvent[], week: Week, outageFromUs: number): void {
  const rotateUs = at(week, 4, '12:00'); // Friday noon
  const parts: [AuditEvent[], AuditEvent[], AuditEvent[]] = [[], [], []];
  for (const e of events) {
    const us = e[US];
    parts[us < outageFromUs ? 0 : us < rotateUs ? 1 : 2].push(e);
  }
  const text = (list: AuditEvent[]) => list.map(eventJson).join('\n') + '\n';
  const last = (list: AuditEvent[]) => list[list.length - 1]![US];
  const stamp = new Date(last(parts[0]) / 1000).toISOString().slice(0, 23).replaceAll(':', '-');
  out.write(`audit-${stamp}.log.gz`, text(parts[0]), parts[0].length, last(parts[0]), true);
  out.write('audit.log.1', text(parts[1]), parts[1].length, last(parts[1]));
  out.write('audit.log', text(parts[2]), parts[2].length, last(parts[2]));
}
