-- id: events-present
-- title: Audit events arrive
-- kind: observed
-- order: 110
-- label: events
-- means: >-
--   kubetrail actually holds audit events of this cluster from the window. A cluster whose logging is "on"
--   but whose events never arrive (wrong log group, a sink or exclusion, a forwarder that died, an API
--   server started without --audit-policy-file) is as blind as one whose logging is off.
-- thresholds: window (default 7d)
-- remediation:
--   eks: |-
--     Check that audit logging is on (audit-logging-enabled) and that events reach {{logGroup}}:
--     aws logs describe-log-streams --region {{region}} --log-group-name {{logGroup}} --log-stream-name-prefix kube-apiserver-audit --order-by LastEventTime --descending --max-items 1
--   gke: |-
--     Check that entries reach Cloud Logging and no exclusion drops them:
--     gcloud logging read 'resource.type="k8s_cluster" AND resource.labels.cluster_name="{{gkeCluster}}" AND protoPayload.serviceName="k8s.io"' --project={{project}} --freshness=7d --limit=1
--   aks: |-
--     Check that the diagnostic setting sends kube-audit to the workspace kubetrail reads:
--     az monitor log-analytics query --workspace {{workspaceId}} --analytics-query "{{auditTable}} | where TimeGenerated > ago(7d) | summarize count(), max(TimeGenerated)"
--   files: |-
--     Check that kube-apiserver runs with --audit-policy-file and --audit-log-path, and that the job file's paths match the files it writes (ls -l /var/log/kubernetes/audit/).
WITH pulls AS (
  SELECT cluster, arg_max(status, started_at) AS status, arg_max(error, started_at) AS error, max(started_at) AS pulled_at,
         arg_max(fetched, started_at) AS fetched
  FROM run_clusters GROUP BY cluster
)
SELECT c.cluster,
  CASE WHEN o.requests > 0 THEN 'ok' ELSE 'alarm' END AS status,
  CASE
    WHEN o.requests > 0 THEN kt_n(o.events) || ' events (' || kt_n(o.requests) || ' requests) in the last ' || kt_days(c.window_days) || ', the newest at ' || kt_ts(o.last_event) || '.'
    WHEN o.last_event IS NOT NULL THEN 'No audit events in the last ' || kt_days(c.window_days) || '; the newest kubetrail holds is from ' || kt_ts(o.last_event)
      || ' (' || kt_dur(epoch(c.now_at) - epoch(o.last_event)) || ' ago).'
    ELSE 'No audit event has ever landed for this cluster.'
  END
  || CASE
       WHEN o.requests > 0 THEN ''
       WHEN c.provider = 'eks' AND kt_known(m.facts, 'audit_log_enabled') AND NOT CAST(kt_val(m.facts, 'audit_log_enabled') AS BOOLEAN) THEN ' Audit logging is off (see audit-logging-enabled).'
       WHEN p.status = 'failed' THEN ' The last pull (' || kt_ts(p.pulled_at) || ') failed: ' || p.error
       WHEN p.pulled_at IS NOT NULL THEN ' The last pull (' || kt_ts(p.pulled_at) || ') fetched ' || kt_n(p.fetched) || ' records.'
       ELSE ' The cluster has not been pulled yet.'
     END AS reason,
  CAST(json_object('events', o.events, 'requests', o.requests, 'first_event', kt_iso(o.first_event), 'last_event', kt_iso(o.last_event),
    'last_pull', json_object('at', kt_iso(p.pulled_at), 'status', p.status, 'fetched', p.fetched, 'error', p.error)) AS JSON) AS evidence,
  NULL AS remediation
FROM kt_cov_clusters c
JOIN kt_cov_observed o USING (cluster)
LEFT JOIN kt_cov_fact_map m USING (cluster)
LEFT JOIN pulls p USING (cluster)
