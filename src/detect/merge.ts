/**
 * From kept evidence to findings, set-based, inside the detect transaction:
 *   kt_found     evidence not suppressed, with its dedup period and fingerprint;
 *   kt_new_pairs (fingerprint, audit id) pairs not already in finding_events: the only evidence that
 *                counts, so a rerun, an overlapping window or a re-imported event never counts twice;
 *   kt_agg       one row per touched fingerprint, merged into findings (insert or update).
 * The fingerprint hashes what the finding is about: detection, cluster, group key and dedup period. It
 * does not depend on which run saw the evidence, so any split of the same events gives the same rows.
 */

/** audit_ids kept on the findings row; finding_events keeps them all. */
export const MAX_AUDIT_IDS = 1000;
/** principals / source_ips / namespaces kept on the findings row. */
const MAX_LIST = 20;

export const FOUND_SQL = `
CREATE OR REPLACE TEMP TABLE kt_found AS
SELECT k.*, d.severity, d.title, d.mitre,
  time_bucket(to_microseconds(d.dedup_us), k.event_time) AS period_start,
  sha256(k.detection_id || chr(31) || k.cluster || chr(31) || k.group_key || chr(31)
         || CAST(epoch_us(time_bucket(to_microseconds(d.dedup_us), k.event_time)) AS VARCHAR)) AS fingerprint
FROM kt_kept k JOIN kt_detections d ON d.detection_id = k.detection_id
WHERE k.suppressed_by IS NULL`;

export const NEW_PAIRS_SQL = `
CREATE OR REPLACE TEMP TABLE kt_new_pairs AS
SELECT * FROM (
  SELECT f.*, row_number() OVER (PARTITION BY f.fingerprint, f.audit_id ORDER BY f.summary) AS n FROM kt_found f
) f
WHERE n = 1 AND NOT EXISTS (SELECT 1 FROM finding_events x WHERE x.fingerprint = f.fingerprint AND x.audit_id = f.audit_id)`;

/** Parameter: $run_id. */
export const RECORD_PAIRS_SQL = `
INSERT INTO finding_events (fingerprint, detection_id, cluster, audit_id, event_time, run_id)
SELECT fingerprint, detection_id, cluster, audit_id, event_time, $run_id FROM kt_new_pairs`;

export const AGG_SQL = `
CREATE OR REPLACE TEMP TABLE kt_agg AS
SELECT fingerprint,
  any_value(detection_id) AS detection_id, any_value(severity) AS severity, any_value(title) AS title,
  any_value(mitre) AS mitre, any_value(cluster) AS cluster, any_value(group_key) AS group_key,
  any_value(period_start) AS period_start,
  min(event_time) AS first_seen, max(event_time) AS last_seen, count(*) AS n,
  arg_max(summary, (event_time, audit_id)) AS summary,
  list_sort(list(audit_id)) AS ids,
  list_distinct(list(user_name) FILTER (WHERE user_name IS NOT NULL)) AS principals,
  list_distinct(flatten(list(coalesce(source_ips, [])))) AS source_ips,
  list_distinct(list(namespace) FILTER (WHERE namespace IS NOT NULL)) AS namespaces
FROM kt_new_pairs
GROUP BY fingerprint`;

/** What this run changes, counted before the merge: new, updated, reopened, per severity. */
export const CHANGES_SQL = `
SELECT a.severity,
  count(*) FILTER (WHERE f.fingerprint IS NULL) AS created,
  count(*) FILTER (WHERE f.fingerprint IS NOT NULL AND f.status = 'resolved') AS reopened,
  count(*) FILTER (WHERE f.fingerprint IS NOT NULL AND f.status <> 'resolved') AS updated
FROM kt_agg a LEFT JOIN findings f ON f.fingerprint = a.fingerprint
GROUP BY a.severity`;

const cap = (expr: string, n: number) => `list_slice(${expr}, 1, ${n})`;

/** Parameter: $run_id. */
export const MERGE_SQL = `
MERGE INTO findings f USING kt_agg a ON f.fingerprint = a.fingerprint
WHEN MATCHED THEN UPDATE SET
  first_seen = least(f.first_seen, a.first_seen),
  last_seen = greatest(f.last_seen, a.last_seen),
  event_count = f.event_count + a.n,
  summary = CASE WHEN a.last_seen >= f.last_seen THEN a.summary ELSE f.summary END,
  audit_ids = ${cap('list_sort(list_concat(f.audit_ids, a.ids))', MAX_AUDIT_IDS)},
  evidence_truncated = f.evidence_truncated OR len(f.audit_ids) + len(a.ids) > ${MAX_AUDIT_IDS},
  principals = ${cap('list_distinct(list_concat(f.principals, a.principals))', MAX_LIST)},
  source_ips = ${cap('list_distinct(list_concat(f.source_ips, a.source_ips))', MAX_LIST)},
  namespaces = ${cap('list_distinct(list_concat(f.namespaces, a.namespaces))', MAX_LIST)},
  status = CASE WHEN f.status = 'resolved' THEN 'open' ELSE f.status END,
  reopened_in_run = CASE WHEN f.status = 'resolved' THEN $run_id ELSE f.reopened_in_run END,
  updated_in_run = $run_id,
  updated_at = now()
WHEN NOT MATCHED THEN INSERT (
  detection_id, severity, cluster, fingerprint, first_seen, last_seen, event_count, summary, audit_ids, status,
  title, mitre, group_key, period_start, principals, source_ips, namespaces, evidence_truncated,
  new_in_run, updated_in_run, reopened_in_run, created_at, updated_at)
VALUES (
  a.detection_id, a.severity, a.cluster, a.fingerprint, a.first_seen, a.last_seen, a.n, a.summary,
  ${cap('a.ids', MAX_AUDIT_IDS)}, 'open',
  a.title, a.mitre, a.group_key, a.period_start, ${cap('a.principals', MAX_LIST)}, ${cap('a.source_ips', MAX_LIST)},
  ${cap('a.namespaces', MAX_LIST)}, len(a.ids) > ${MAX_AUDIT_IDS},
  $run_id, $run_id, NULL, now(), now())`;

export const DROP_TEMP_SQL = ['kt_found', 'kt_new_pairs', 'kt_agg', 'kt_kept', 'kt_evidence', 'kt_pod_writes', 'kt_scope', 'kt_drop', 'kt_new_range', 'kt_suppress', 'kt_detections', 'kt_platform_ips', 'kt_outside', 'kt_cluster_ips'].map(
  (t) => `DROP TABLE IF EXISTS ${t}`,
);
