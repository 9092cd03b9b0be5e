-- id: truncated-events
-- title: No events cut by size limits
-- kind: observed
-- order: 180
-- label: truncated
-- means: >-
--   Events whose bodies were dropped or cut for size: AKS replaces a body over its limit with
--   "skipped-too-big-size-object", CloudWatch cuts events over its limit (kubetrail quarantines the broken
--   JSON), a self-hosted API server with truncation on marks them audit.k8s.io/truncated, and records over
--   kubetrail's own read limit are quarantined. A detection cannot read what was cut, and padding an object
--   past the limit is a cheap way to hide a malicious pod spec.
-- thresholds: maxTruncated (default 0), window (default 7d)
-- remediation:
--   eks: |-
--     CloudWatch's event size limit cannot be raised from EKS. Review the cut events (kubetrail sql --config {{jobFile}} "SELECT source, source_line, reason FROM quarantine WHERE cluster = '{{cluster}}' ORDER BY quarantined_at DESC") and keep objects small; treat huge objects from unexpected users as suspect.
--   gke: |-
--     Cloud Logging caps audit entries at 512 KiB and cannot be raised. Review the affected objects (kubetrail sql --config {{jobFile}} "FROM audit_events WHERE cluster = '{{cluster}}' AND body_truncated") and treat huge objects from unexpected users as suspect.
--   aks: |-
--     AKS's size limit cannot be raised. Review the affected objects (kubetrail sql --config {{jobFile}} "SELECT event_time, user_name, verb, resource, namespace, name FROM audit_events WHERE cluster = '{{cluster}}' AND body_truncated") and treat huge objects from unexpected users as suspect.
--   files: |-
--     kube-apiserver truncates only when asked: drop --audit-log-truncate-enabled (or raise --audit-log-truncate-max-event-size / --audit-webhook-truncate-max-event-size).
WITH t AS (
  SELECT e.cluster, e.audit_id, e.resource, e.namespace, e.name, e.user_name, e.event_time
  FROM audit_events e JOIN kt_cov_clusters c USING (cluster)
  WHERE e.event_time >= c.window_start AND e.event_time <= c.now_at
    AND (e.body_truncated OR json_extract_string(e.annotations, '$."audit.k8s.io/truncated"') = 'true')
),
grp AS (SELECT cluster, resource, namespace, name, user_name, count(DISTINCT audit_id) AS k FROM t GROUP BY ALL),
tb AS (
  SELECT cluster, sum(k) AS n,
         list({'resource': resource, 'namespace': namespace, 'name': name, 'user': user_name, 'events': k} ORDER BY k DESC, name)[1:10] AS objects
  FROM grp GROUP BY cluster
),
q AS (
  SELECT q.cluster, count(*) AS n, count(*) FILTER (WHERE q.reason ILIKE '%CloudWatch%') AS cloudwatch,
         list(DISTINCT q.source)[1:5] AS sources
  FROM quarantine q JOIN kt_cov_clusters c USING (cluster)
  WHERE q.quarantined_at >= c.window_start AND (q.reason ILIKE '%size limit%' OR q.reason ILIKE '%larger than%')
  GROUP BY q.cluster
)
SELECT c.cluster,
  CASE
    WHEN coalesce(tb.n, 0) + coalesce(q.n, 0) > c.max_truncated THEN 'alarm'
    WHEN o.requests = 0 THEN 'info'
    ELSE 'ok'
  END AS status,
  CASE
    WHEN coalesce(tb.n, 0) + coalesce(q.n, 0) > c.max_truncated THEN kt_n(coalesce(tb.n, 0) + coalesce(q.n, 0)) || ' events in the last ' || kt_days(c.window_days) || ' lost their bodies to size limits: '
      || concat_ws(' and ',
           CASE WHEN tb.n > 0 THEN kt_n(tb.n) || ' with bodies dropped or cut by the provider' END,
           CASE WHEN q.n > 0 THEN kt_n(q.n) || ' too large to read' || CASE WHEN q.cloudwatch > 0 THEN ' (CloudWatch cut ' || kt_n(q.cloudwatch) || ')' ELSE '' END || ', quarantined' END)
      || '. Detections cannot see what was in them'
      || CASE WHEN tb.n > 0 THEN '; most affected: ' || array_to_string(list_transform(tb.objects[1:3],
           lambda o: coalesce(o.resource, '?') || ' ' || coalesce(o.namespace || '/', '') || coalesce(o.name, '?') || ' by ' || coalesce(o.user, '?')), ', ') ELSE '' END
      || '.'
    WHEN o.requests = 0 THEN 'No events in the last ' || kt_days(c.window_days) || ' (see events-present).'
    ELSE 'No event lost its body to a size limit in the last ' || kt_days(c.window_days) || ' (' || kt_n(o.requests) || ' requests).'
  END AS reason,
  CAST(json_object('truncated_events', coalesce(tb.n, 0), 'quarantined_for_size', coalesce(q.n, 0), 'objects', tb.objects, 'quarantine_sources', q.sources,
    'threshold', c.max_truncated) AS JSON) AS evidence,
  NULL AS remediation
FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster) LEFT JOIN tb USING (cluster) LEFT JOIN q USING (cluster)
