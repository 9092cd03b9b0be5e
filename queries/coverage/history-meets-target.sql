-- id: history-meets-target
-- title: History reaches the target
-- kind: observed
-- order: 170
-- label: history
-- means: >-
--   How far back an investigation can actually look: the oldest event kubetrail holds for the cluster,
--   against the retention target. Configured retention says what the provider would keep; this says what
--   is really there (kubetrail keeps what it pulled even after the provider expired it, and cannot have what
--   expired before it started).
-- thresholds: retentionTarget (default 90d)
-- remediation:
--   eks: |-
--     Backfill what CloudWatch still keeps: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since {{retentionDays}}d
--   gke: |-
--     Backfill what Cloud Logging still keeps: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since {{retentionDays}}d
--   aks: |-
--     Backfill what the workspace still keeps: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since {{retentionDays}}d
--   files: |-
--     Import older rotated files if they still exist: kubetrail import --config {{jobFile}} --cluster {{cluster}} /var/log/kubernetes/audit/ ; keep them longer with --audit-log-maxage={{retentionDays}}.
WITH j AS (
  SELECT c.cluster, c.provider, c.retention_target_days AS target, c.now_at, o.first_event, m.facts,
         (epoch(c.now_at) - epoch(o.first_event)) / 86400 AS days_held,
         CASE c.provider
           WHEN 'eks' THEN CASE WHEN kt_known(m.facts, 'retention_days')
             THEN coalesce(TRY_CAST(json_extract_string(kt_val(m.facts, 'retention_days'), '$') AS DOUBLE), 1e9) END
           WHEN 'gke' THEN coalesce(TRY_CAST(json_extract_string(kt_val(m.facts, 'required_bucket_retention_days'), '$') AS DOUBLE), 400)
           WHEN 'aks' THEN greatest(TRY_CAST(json_extract_string(kt_val(m.facts, 'table_total_retention_days'), '$') AS DOUBLE),
                                    TRY_CAST(json_extract_string(kt_val(m.facts, 'table_retention_days'), '$') AS DOUBLE),
                                    TRY_CAST(json_extract_string(kt_val(m.facts, 'workspace_retention_days'), '$') AS DOUBLE))
         END AS provider_days
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster) LEFT JOIN kt_cov_fact_map m USING (cluster)
)
SELECT cluster,
  CASE WHEN first_event IS NULL THEN 'info' WHEN days_held >= target THEN 'ok' ELSE 'alarm' END AS status,
  CASE
    WHEN first_event IS NULL THEN 'No events held for this cluster (see events-present).'
    WHEN days_held >= target THEN 'kubetrail holds events back to ' || kt_ts(first_event) || ' (' || kt_days(floor(days_held)) || '); the target is ' || kt_days(target) || '.'
    ELSE 'kubetrail holds only ' || kt_days(floor(days_held * 10) / 10) || ' of events (the oldest from ' || kt_ts(first_event) || '); the target is ' || kt_days(target) || '.'
      || CASE
           WHEN provider_days IS NULL THEN ''
           WHEN provider_days > days_held + 1 THEN ' The provider keeps ' || CASE WHEN provider_days >= 1e9 THEN 'events forever' ELSE kt_days(provider_days) END || ', so a backfill can fetch up to '
             || kt_days(least(provider_days, target)) || '.'
           ELSE ' The provider keeps only ' || kt_days(provider_days) || ': anything older is gone.'
         END
  END AS reason,
  CAST(json_object('first_event', kt_iso(first_event), 'days_held', days_held, 'target_days', target,
    'provider_retention_days', CASE WHEN provider_days >= 1e9 THEN NULL ELSE provider_days END) AS JSON) AS evidence,
  NULL AS remediation
FROM j
