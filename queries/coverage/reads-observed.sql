-- id: reads-observed
-- title: Reads reach the log
-- kind: observed
-- order: 150
-- label: reads
-- means: >-
--   The share of requests that are get or list, measured on the events themselves. In any live cluster
--   reads are a large part of the traffic; close to none means they are dropped on the way: AKS
--   kube-audit-admin (keeps watch, drops get and list), GKE without Data Access logs, or a self-hosted
--   policy that sets reads to None. Detections of secret reads, enumeration and WebSocket exec cannot fire.
--   Judged from the data alone, so it also covers imported and self-hosted clusters. Also judged by
--   whole UTC day: a day with writes but not a single get or list is in alarm even when the week's share is
--   fine (reads dropped for three days between two healthy stretches: a policy change, a filter, a
--   diagnostic setting switched to kube-audit-admin and back).
-- thresholds: >-
--   minReadShare (default 0.01), minRequests (default 50), window (default 7d), minEventsPerDay (default 50: a
--   day with fewer events is not judged on its own)
-- remediation:
--   eks: |-
--     EKS logs reads by policy: if none arrive, the events reach kubetrail through something that filters them (a subscription filter, a forwarder); pull the log group directly.
--   aks: |-
--     Send kube-audit instead of kube-audit-admin:
--     az monitor diagnostic-settings create --name <existing-setting-name> --resource {{resourceId}} --workspace {{workspaceResourceId}} --export-to-resource-specific true --logs '[{"category":"kube-audit","enabled":true},{"category":"kube-audit-admin","enabled":false}]'
--   gke: |-
--     Turn on Data Access audit logs (ADMIN_READ, DATA_READ) for container.googleapis.com: Terraform google_project_iam_audit_config { project = "{{project}}", service = "container.googleapis.com", audit_log_config { log_type = "ADMIN_READ" }, audit_log_config { log_type = "DATA_READ" } }
--   files: |-
--     Log reads in the audit policy, above any catch-all rule:
--       - level: Request
--         verbs: ["get", "list", "watch"]
WITH days AS (
  -- one scan of the window, day by day: reads and writes per UTC day, and where the records came from (AKS
  -- category, Cloud Logging log, CloudWatch stream), which names the cause
  SELECT e.cluster, date_trunc('day', e.event_time) AS day, count(*) AS events,
         count(*) FILTER (WHERE e.verb IN ('get', 'list')) AS reads,
         count(*) FILTER (WHERE e.verb IN ('create', 'update', 'patch', 'delete', 'deletecollection')) AS writes,
         list(DISTINCT e.log_name) FILTER (WHERE e.log_name IS NOT NULL) AS log_names
  FROM audit_events e JOIN kt_cov_clusters c USING (cluster)
  WHERE e.event_time >= c.window_start AND e.event_time <= c.now_at
  GROUP BY ALL
),
src AS (
  SELECT cluster, list_sort(list_distinct(flatten(list(log_names))))[1:5] AS log_names
  FROM days WHERE len(log_names) > 0 GROUP BY cluster
),
-- a whole day busy enough to judge, with writes and not one get or list (the window's first and last
-- days are partial: a few quiet minutes of writes at either edge are not a day without reads)
dark AS (
  SELECT d.cluster, count(*) AS days_judged,
         list({'day': kt_day(d.day), 'writes': d.writes, 'events': d.events} ORDER BY d.day) FILTER (WHERE d.reads = 0 AND d.writes > 0) AS dark_days
  FROM days d JOIN kt_cov_clusters c USING (cluster)
  WHERE d.events >= c.min_events_per_day AND d.day >= c.window_start AND d.day + INTERVAL 1 DAY <= c.now_at
  GROUP BY d.cluster
),
j AS (
  SELECT c.cluster, c.provider, c.window_days, c.min_read_share, c.min_requests, c.min_events_per_day, o.requests, o.reads, o.watches, o.secret_reads, o.verbs,
         o.reads / nullif(o.requests, 0) AS share, s.log_names, coalesce(d.days_judged, 0) AS days_judged, coalesce(d.dark_days, []) AS dark_days,
         coalesce(list_bool_or(list_transform(s.log_names, lambda n: n ILIKE '%kube-audit-admin%' OR n ILIKE '%AKSAuditAdmin%')), false) AS admin_only_source
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster) LEFT JOIN src s USING (cluster) LEFT JOIN dark d USING (cluster)
)
SELECT cluster,
  CASE WHEN requests = 0 OR requests < min_requests THEN 'info' WHEN share < min_read_share OR len(dark_days) > 0 THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN requests = 0 THEN 'No events in the last ' || kt_days(window_days) || ' (see events-present).'
    WHEN requests < min_requests THEN 'Only ' || kt_n(requests) || ' requests in the last ' || kt_days(window_days) || ': too few to judge (from ' || min_requests || ').'
    WHEN share < min_read_share THEN kt_n(reads) || ' of ' || kt_n(requests) || ' requests in the last ' || kt_days(window_days) || ' were get or list (' || kt_pct(share)
      || '; watch: ' || kt_n(watches) || '): reads are not reaching the log, so secret reads, enumeration and WebSocket exec are invisible.'
      || CASE
           WHEN admin_only_source THEN ' The records come from kube-audit-admin, which drops every get and list.'
           WHEN provider = 'aks' AND watches > 0 THEN ' Watches without gets and lists is what AKS kube-audit-admin looks like.'
           WHEN provider = 'gke' THEN ' This is what GKE looks like without Data Access audit logs.'
           ELSE '' END
    WHEN len(dark_days) > 0 THEN 'Not one get or list on ' || kt_n(len(dark_days)) || ' of ' || kt_n(days_judged) || ' days although the cluster wrote: '
      || array_to_string(list_transform(dark_days, lambda d: d.day || ' (' || kt_n(d.writes) || ' writes)'), ', ')
      || '. Over the whole window ' || kt_pct(share) || ' of ' || kt_n(requests) || ' requests were reads, but on those days secret reads, enumeration and WebSocket exec were invisible: '
      || 'something dropped reads for a while (an audit policy change, a filter, a diagnostic setting switched to kube-audit-admin).'
    ELSE kt_pct(share) || ' of ' || kt_n(requests) || ' requests were get or list, ' || kt_n(secret_reads) || ' of them on secrets'
      || CASE WHEN days_judged > 0 THEN ', with reads on each of the ' || kt_n(days_judged) || ' days that had ' || min_events_per_day || ' events or more.' ELSE '.' END
  END AS reason,
  CAST(json_object('requests', requests, 'reads', reads, 'watches', watches, 'secret_reads', secret_reads, 'read_share', share,
    'verbs', verbs, 'log_names', log_names, 'days_judged', days_judged,
    'days_without_reads', list_transform(dark_days, lambda d: d.day)) AS JSON) AS evidence,
  NULL AS remediation
FROM j
