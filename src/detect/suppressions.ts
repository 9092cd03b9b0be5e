/**
 * Suppressions from the job file, applied to evidence before it becomes a finding. Expired ones are left
 * out (and reported); the rest become the temp table kt_suppress, and one set-based statement marks every
 * piece of evidence with the first suppression that matches it.
 */
import type { Suppression } from '../config/sections/detect.js';
import { cidrPrefix } from './cidr.js';

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
        // bit prefixes: SQL compares them with kt_ip_bits of each address
        cidrs: s.sourceCidrs?.map((c) => cidrPrefix(c)!) ?? null,
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
  `(sp.cidrs IS NULL OR (len(coalesce(ev.ip_bits, [])) > 0 AND ${none('ev.ip_bits', 'NOT kt_ip_in(b, sp.cidrs)', 'b')}))`,
].join('\n    AND ');

/**
 * kt_kept: evidence with the columns suppressions and findings need (from the request it points at), and
 * `suppressed_by` (the index of the first matching suppression, NULL when none matches).
 */
export function keptSql(list: readonly Suppression[]): string {
  // groups, images and address bits cost a join, a lookup or a conversion per event: only when a suppression uses them
  const groups = list.some((s) => s.groups);
  const images = list.some((s) => s.images);
  const bits = list.some((s) => s.sourceCidrs);
  return `
CREATE OR REPLACE TEMP TABLE kt_kept AS
WITH ev AS (
  SELECT e.detection_id, e.cluster, e.audit_id, e.event_time, e.group_key, e.summary,
         s.user_name, s.namespace, s.source_ips, s.arn,
         ${groups ? 'g.user_groups' : 'NULL::VARCHAR[]'} AS user_groups,
         ${images ? 'p.images' : 'NULL::VARCHAR[]'} AS images,
         ${bits ? 'list_transform(coalesce(s.source_ips, []), lambda ip: kt_ip_bits(ip))' : 'NULL::VARCHAR[]'} AS ip_bits
  FROM kt_evidence e
  LEFT JOIN kt_scope s ON s.cluster = e.cluster AND s.audit_id = e.audit_id
  ${groups ? `LEFT JOIN (SELECT DISTINCT ON (cluster, audit_id) cluster, audit_id, user_groups FROM audit_events
               WHERE (cluster, audit_id) IN (SELECT cluster, audit_id FROM kt_evidence)) g ON g.cluster = e.cluster AND g.audit_id = e.audit_id` : ''}
  ${images ? 'LEFT JOIN kt_pod_writes p ON p.cluster = e.cluster AND p.audit_id = e.audit_id' : ''}
),
hit AS (
  SELECT ev.detection_id, ev.cluster, ev.audit_id, ev.group_key, min(sp.idx) AS idx
  FROM ev JOIN kt_suppress sp ON ${MATCHES}
  GROUP BY ALL
)
SELECT ev.* EXCLUDE (ip_bits), hit.idx AS suppressed_by
FROM ev LEFT JOIN hit USING (detection_id, cluster, audit_id, group_key)`;
}
