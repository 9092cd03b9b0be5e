-- id: ingestion-lag
-- title: Events arrive promptly
-- kind: observed
-- order: 140
-- label: lag
-- means: >-
--   Percentiles of the provider's ingestion time (CloudWatch ingestionTime, Cloud Logging
--   receiveTimestamp, Log Analytics ingestion time) minus the event's own time. Late delivery delays every
--   detection by as much, and events that arrive after a pull's window closed are only caught because
--   kubetrail re-reads with `lateness`: set it above the p99 here. Raw API-server files carry no ingestion
--   time and are not judged. Also judged day by day (UTC): when the worst day's p95 is above the threshold
--   the check is in alarm even if the week's is not (a twelve-hour delivery backlog hides in a week).
-- thresholds: >-
--   lagP95 per provider (defaults eks 10m, gke 5m, aks 10m, files 15m), for the window and for each day;
--   minEventsPerDay (default 50: a day with fewer events is not judged on its own)
-- remediation:
--   eks: |-
--     CloudWatch delivery from EKS cannot be tuned. Raise the pull's lateness above the p99 (clusters[].lateness in {{jobFile}}) so late events are still read, and expect detections to lag as much.
--   gke: |-
--     Cloud Logging delivery cannot be tuned. Raise the pull's lateness above the p99 (clusters[].lateness in {{jobFile}}).
--   aks: |-
--     Check the workspace's ingestion (az monitor log-analytics query --workspace {{workspaceId}} --analytics-query "{{auditTable}} | extend lag = ingestion_time() - TimeGenerated | summarize percentiles(lag, 50, 95, 99) by bin(TimeGenerated, 1h)") and its daily cap; raise the pull's lateness above the p99 (clusters[].lateness in {{jobFile}}).
--   files: |-
--     The shipper that wrote these records delays them: check its batch interval and backlog.
WITH lag AS (
  SELECT e.cluster, date_trunc('day', e.event_time) AS day, (epoch_ms(e.ingested_at) - epoch_ms(e.event_time)) / 1000.0 AS s
  FROM audit_events e JOIN kt_cov_clusters c USING (cluster)
  WHERE e.event_time >= c.window_start AND e.event_time <= c.now_at AND e.ingested_at IS NOT NULL
),
q AS (
  SELECT cluster, count(*) AS n, quantile_cont(s, [0.5, 0.95, 0.99]) AS p, max(s) AS mx, min(s) AS mn
  FROM lag GROUP BY cluster
),
per_day AS (
  SELECT cluster, day, count(*) AS n, quantile_cont(s, 0.95) AS p95 FROM lag GROUP BY cluster, day
),
worst AS (
  SELECT d.cluster, count(*) AS days_judged, arg_max(d.day, d.p95) AS day, max(d.p95) AS p95,
         count(*) FILTER (WHERE d.p95 > c.lag_p95_seconds) AS slow_days,
         list(kt_day(d.day) ORDER BY d.day) FILTER (WHERE d.p95 > c.lag_p95_seconds) AS slow
  FROM per_day d JOIN kt_cov_clusters c USING (cluster)
  WHERE d.n >= c.min_events_per_day
  GROUP BY d.cluster
)
SELECT c.cluster,
  CASE WHEN o.requests = 0 OR q.n IS NULL THEN 'info' WHEN q.p[2] > c.lag_p95_seconds OR w.p95 > c.lag_p95_seconds THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN o.requests = 0 THEN 'No events in the last ' || kt_days(c.window_days) || ' (see events-present).'
    WHEN q.n IS NULL THEN 'These records carry no provider ingestion time (API-server files or exports without it), so lag cannot be measured.'
    ELSE '95% of events arrived within ' || kt_dur(q.p[2]) || ' (median ' || kt_dur(q.p[1]) || ', 99th percentile ' || kt_dur(q.p[3]) || ', slowest ' || kt_dur(q.mx) || ', '
      || kt_n(q.n) || ' events)' || CASE WHEN q.p[2] > c.lag_p95_seconds THEN '; the threshold is ' ELSE ' against a threshold of ' END || kt_dur(c.lag_p95_seconds) || '.'
      || CASE
           WHEN w.p95 > c.lag_p95_seconds THEN ' The worst day, ' || kt_day(w.day) || ', had a p95 of ' || kt_dur(w.p95)
             || CASE WHEN w.slow_days > 1 THEN ' (' || kt_n(w.slow_days) || ' days over the threshold: ' || array_to_string(w.slow, ', ') || ')' ELSE '' END
             || ': detections ran that late, and a pull whose lateness is shorter missed events.'
           WHEN w.days_judged > 0 THEN ' The worst day, ' || kt_day(w.day) || ', had a p95 of ' || kt_dur(w.p95) || '.'
           ELSE '' END
      || CASE WHEN q.mn < -60 THEN ' Some events were stored ' || kt_dur(-q.mn) || ' before they happened: a clock is off.' ELSE '' END
  END AS reason,
  CAST(json_object('events', q.n, 'p50_seconds', q.p[1], 'p95_seconds', q.p[2], 'p99_seconds', q.p[3], 'max_seconds', q.mx, 'min_seconds', q.mn,
    'threshold_seconds', c.lag_p95_seconds, 'days_judged', coalesce(w.days_judged, 0), 'worst_day', kt_day(w.day), 'worst_day_p95_seconds', w.p95,
    'days_over_threshold', coalesce(w.slow, [])) AS JSON) AS evidence,
  NULL AS remediation
FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster) LEFT JOIN q USING (cluster) LEFT JOIN worst w USING (cluster)
