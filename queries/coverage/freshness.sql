-- id: freshness
-- title: Events are current
-- kind: observed
-- order: 130
-- label: fresh
-- means: >-
--   How old the newest event was when kubetrail last pulled the cluster. Providers deliver late (EKS
--   "within a few minutes", best effort; Azure Monitor typically 20 s to 3 min; GKE seconds), so a little
--   age is normal; much more means delivery stopped or kubetrail is not reaching the data, and detections
--   run on yesterday's picture. Measured at the last pull (not at report time), so running coverage later
--   does not make a cluster look stale; clusters whose data was only imported are not judged.
-- thresholds: freshness per provider (defaults eks 30m, gke 15m, aks 30m, files 2h)
-- remediation:
--   eks: |-
--     Look at the newest audit stream: aws logs describe-log-streams --region {{region}} --log-group-name {{logGroup}} --log-stream-name-prefix kube-apiserver-audit --order-by LastEventTime --descending --max-items 1 ; check audit-logging-enabled and the last run's errors (kubetrail sql --config {{jobFile}} "FROM run_clusters WHERE cluster = '{{cluster}}' ORDER BY started_at DESC LIMIT 3").
--   gke: |-
--     gcloud logging read 'protoPayload.serviceName="k8s.io" AND resource.labels.cluster_name="{{gkeCluster}}"' --project={{project}} --freshness=1h --limit=1 ; check the last run's errors (kubetrail sql --config {{jobFile}} "FROM run_clusters WHERE cluster = '{{cluster}}' ORDER BY started_at DESC LIMIT 3").
--   aks: |-
--     az monitor log-analytics query --workspace {{workspaceId}} --analytics-query "{{auditTable}} | summarize max(TimeGenerated), max(ingestion_time())" ; check the diagnostic setting and the last run's errors (kubetrail sql --config {{jobFile}} "FROM run_clusters WHERE cluster = '{{cluster}}' ORDER BY started_at DESC LIMIT 3").
--   files: |-
--     Check that the API server still writes the files the job names and that they are shipped (ls -l --time-style=full-iso /var/log/kubernetes/audit/); schedule kubetrail more often than the threshold.
WITH pulls AS (
  SELECT cluster, max(started_at) AS pulled_at, arg_max(status, started_at) AS status, arg_max(error, started_at) AS error
  FROM run_clusters WHERE step = 'pull' GROUP BY cluster
),
j AS (
  SELECT c.cluster, c.provider, c.freshness_seconds AS thr, c.window_days, c.now_at, o.requests, o.last_event, p.pulled_at, p.status AS pull_status, p.error,
         epoch(least(p.pulled_at, c.now_at)) - epoch(o.last_event) AS age
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster) LEFT JOIN pulls p USING (cluster)
)
SELECT cluster,
  CASE WHEN requests = 0 THEN 'info' WHEN pulled_at IS NULL THEN 'info' WHEN age > thr THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN requests = 0 THEN 'No events in the last ' || kt_days(window_days) || ' (see events-present).'
    WHEN pulled_at IS NULL THEN 'The data was only imported (no pull), so freshness is not judged; the newest event is from ' || kt_ts(last_event) || '.'
    ELSE 'At the last pull (' || kt_ts(pulled_at) || ') the newest event was ' || kt_dur(age) || ' old'
      || CASE WHEN age > thr THEN '; ' || upper(provider) || ' events normally arrive well within ' || kt_dur(thr) || '.' ELSE ' (threshold ' || kt_dur(thr) || ').' END
      || CASE WHEN pull_status = 'failed' THEN ' That pull failed: ' || error ELSE '' END
  END AS reason,
  CAST(json_object('last_event', kt_iso(last_event), 'last_pull', kt_iso(pulled_at), 'last_pull_status', pull_status, 'age_seconds', age, 'threshold_seconds', thr) AS JSON) AS evidence,
  NULL AS remediation
FROM j
