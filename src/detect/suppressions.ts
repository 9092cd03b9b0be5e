/**
 * Suppressions from the job file, applied to evidence before it becomes a finding. Expired ones are left
 * out (and reported); the rest become the temp table kt_suppress, and one set-based statement marks every
 * piece of evidence with the first suppression that matches it.
 */
import type { Suppression } from '../config/sections/detect.js';

export interface SuppressionState {
  /** Position in detect.suppressions (0-based). */
  index: number;
  reason: string;
  detections?: string[];
  expires?: Date;
  expired: boolean;
  /** "detect.suppressions[2]" */
  path: string;
}

export function suppressionStates(list: readonly Suppression[], now: Date): SuppressionState[] {
  return list.map((s, index) => ({
    index,
    reason: s.reason,
    detections: s.detections,
    expires: s.expires,
    expired: s.expires !== undefined && s.expires.getTime() <= now.getTime(),
    path: `detect.suppressions[${index}]`,
  }));
}

/** One line for people: which suppression expired, and that it no longer applies. */
export function describeExpired(s: SuppressionState): string {
  const scope = s.detections ? ` (${s.detections.join(', ')})` : '';
  return `${s.path}${scope} "${s.reason}" expired ${s.expires!.toISOString().replace('.000Z', 'Z')}: no longer applied`;
}

const ROW = JSON.stringify([
  {
    idx: 'INTEGER',
    detections: ['VARCHAR'],
    clusters: ['VARCHAR'],
    principals: ['VARCHAR'],
    groups: ['VARCHAR'],
    namespaces: ['VARCHAR'],
    images: ['VARCHAR'],
    cidrs: ['VARCHAR'],
  },
]);

/** JSON for $suppressions in SUPPRESS_TABLE_SQL: the suppressions that still apply. */
export function activeSuppressionsJson(list: readonly Suppression[], now: Date): string {
  const states = suppressionStates(list, now);
  return JSON.stringify(
    list
      .map((s, i) => ({ s, st: states[i]! }))
      .filter(({ st }) => !st.expired)
      .map(({ s, st }) => ({
        idx: st.index,
        detections: s.detections ?? null,
        clusters: s.clusters ?? null,
        principals: s.principals ?? null,
        groups: s.groups ?? null,
        namespaces: s.namespaces ?? null,
        images: s.images ?? null,
        cidrs: s.sourceCidrs ?? null,
      })),
  );
}

export const SUPPRESS_TABLE_SQL = [
  `CREATE OR REPLACE TEMP TABLE kt_suppress (idx INTEGER, detections VARCHAR[], clusters VARCHAR[], principals VARCHAR[],
     groups VARCHAR[], namespaces VARCHAR[], images VARCHAR[], cidrs VARCHAR[])`,
  `INSERT INTO kt_suppress SELECT unnest(json_transform($suppressions, '${ROW}'), recursive := true)`,
];

const any = (list: string, pred: string, v = 'g') => `len(list_filter(${list}, lambda ${v}: ${pred})) > 0`;
const none = (list: string, pred: string, v: string) => `len(list_filter(${list}, lambda ${v}: ${pred})) = 0`;

/** SQL predicate: suppression `sp` matches evidence `ev` (columns from kt_scope joined in). */
const MATCHES = [
  `(sp.detections IS NULL OR list_contains(sp.detections, ev.detection_id))`,
  `(sp.clusters IS NULL OR ${any('sp.clusters', 'ev.cluster GLOB g')})`,
  `(sp.principals IS NULL OR ${any('sp.principals', 'ev.user_name GLOB g OR coalesce(ev.arn GLOB g, false)')})`,
  `(sp.groups IS NULL OR ${any('sp.groups', any('coalesce(ev.user_groups, [])', 'x GLOB g', 'x'))})`,
  `(sp.namespaces IS NULL OR ${any('sp.namespaces', 'ev.namespace GLOB g')})`,
  // every image must be allowed: one unapproved image keeps the event
  `(sp.images IS NULL OR (len(coalesce(ev.images, [])) > 0 AND ${none('ev.images', none('sp.images', 'im GLOB g', 'g'), 'im')}))`,
  // every source address must be in range: forwarded-for entries are client-supplied
  `(sp.cidrs IS NULL OR (len(coalesce(ev.source_ips, [])) > 0 AND ${none('ev.source_ips', none('sp.cidrs', 'kt_in_cidr(ip, c)', 'c'), 'ip')}))`,
].join('\n    AND ');

/**
 * kt_kept: evidence with the scope columns suppressions and findings need, and `suppressed_by` (the
 * index of the first matching suppression, NULL when none matches).
 */
export const KEPT_SQL = `
CREATE OR REPLACE TEMP TABLE kt_kept AS
WITH ev AS (
  SELECT e.detection_id, e.cluster, e.audit_id, e.event_time, e.group_key, e.summary,
         s.user_name, s.user_groups, s.arn, s.namespace, s.images, s.source_ips
  FROM kt_evidence e LEFT JOIN kt_scope s ON s.cluster = e.cluster AND s.audit_id = e.audit_id
),
hit AS (
  SELECT ev.detection_id, ev.cluster, ev.audit_id, ev.group_key, min(sp.idx) AS idx
  FROM ev JOIN kt_suppress sp ON ${MATCHES}
  GROUP BY ALL
)
SELECT ev.*, hit.idx AS suppressed_by
FROM ev LEFT JOIN hit USING (detection_id, cluster, audit_id, group_key)`;
