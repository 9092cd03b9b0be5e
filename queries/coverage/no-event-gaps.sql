-- id: no-event-gaps
-- title: No silent stretches
-- kind: observed
-- order: 120
-- label: gaps
-- means: >-
--   Hours without a single audit event while the cluster was otherwise active. A live API server logs
--   around the clock (controllers renew leases every few seconds), so an empty hour between busy ones is
--   lost data: a logging outage, a delivery backlog that was dropped, an expired retention, or a rotated
--   file nobody shipped. Counted in whole UTC hours between the start of the window (or the first event)
--   and the newest event; a trailing silence is freshness's business.
-- thresholds: >-
--   gapHours (default 2: one empty hour can be an unlucky boundary on a quiet cluster, two cannot),
--   minEventsPerHour (default 5: quieter clusters are not judged), window (default 7d)
-- remediation:
--   eks: |-
--     Find out what stopped: aws logs filter-log-events --region {{region}} --log-group-name {{logGroup}} --log-stream-name-prefix kube-apiserver-audit --start-time <gap start, epoch ms> --end-time <gap end, epoch ms> --limit 5
--     If CloudWatch has the events, re-pull the window: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since <gap start>
--   gke: |-
--     Check whether Cloud Logging has the entries (gcloud logging read ... timestamp>="<gap start>" --project={{project}} --limit=5); if it has, re-pull: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since <gap start>
--   aks: |-
--     Check the workspace for the hours ({{auditTable}} | where TimeGenerated between (datetime(<gap start>) .. datetime(<gap end>)) | count) and the ingestion cap (_LogOperation | where Category == "Ingestion"); if the data is there, re-pull: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since <gap start>
--   files: |-
--     Look for rotated files of those hours on the control-plane nodes (ls -l /var/log/kubernetes/audit/) and import them: kubetrail import --config {{jobFile}} --cluster {{cluster}} <files>; check --audit-log-maxbackup/--audit-log-maxsize and the shipper.
WITH b AS (
  SELECT c.cluster, c.gap_hours, c.min_events_per_hour, c.window_days,
         greatest(date_trunc('hour', c.window_start), date_trunc('hour', o.first_event)) AS h0,
         date_trunc('hour', o.last_event) AS h1
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster)
  WHERE o.requests > 0
),
hours AS (SELECT cluster, unnest(generate_series(h0, h1, INTERVAL 1 HOUR)) AS hour FROM b),
counts AS (
  SELECT e.cluster, date_trunc('hour', e.event_time) AS hour, count(*) AS n
  FROM audit_events e JOIN b USING (cluster)
  WHERE e.event_time >= b.h0 AND e.event_time < b.h1 + INTERVAL 1 HOUR
  GROUP BY ALL
),
grid AS (SELECT h.cluster, h.hour, coalesce(n.n, 0) AS n FROM hours h LEFT JOIN counts n USING (cluster, hour)),
stats AS (
  SELECT cluster, count(*) AS hours_checked, count(*) FILTER (WHERE n > 0) AS active_hours,
         coalesce(median(n) FILTER (WHERE n > 0), 0) AS median_per_hour
  FROM grid GROUP BY cluster
),
runs AS (
  SELECT cluster, min(hour) AS gap_from, max(hour) + INTERVAL 1 HOUR AS gap_to, count(*) AS hours
  FROM (SELECT *, hour - to_hours(row_number() OVER (PARTITION BY cluster ORDER BY hour)) AS grp FROM grid WHERE n = 0)
  GROUP BY cluster, grp
),
gaps AS (
  SELECT r.cluster, count(*) AS n_gaps, sum(r.hours) AS gap_hours_total,
         arg_max({'from': r.gap_from, 'to': r.gap_to, 'hours': r.hours}, r.hours * 1e12 - epoch(r.gap_from)) AS longest,
         list({'from': r.gap_from, 'to': r.gap_to, 'hours': r.hours} ORDER BY r.gap_from) AS gaps
  FROM runs r JOIN b USING (cluster)
  WHERE r.hours >= b.gap_hours
  GROUP BY r.cluster
)
SELECT c.cluster,
  CASE
    WHEN b.cluster IS NULL THEN 'info'
    WHEN s.active_hours < 2 OR s.median_per_hour < c.min_events_per_hour THEN 'info'
    WHEN g.n_gaps > 0 THEN 'alarm'
    ELSE 'ok'
  END AS status,
  CASE
    WHEN b.cluster IS NULL THEN 'No events in the last ' || kt_days(c.window_days) || ' to look for gaps in (see events-present).'
    WHEN s.active_hours < 2 OR s.median_per_hour < c.min_events_per_hour THEN 'Too quiet to judge: a median of ' || format('{:.1f}', s.median_per_hour) || ' events in the '
      || kt_n(s.active_hours) || ' hours that had any (gaps are judged from ' || c.min_events_per_hour || ' per hour).'
    WHEN g.n_gaps = 1 THEN kt_n(g.longest.hours) || ' h without any audit event, from ' || kt_ts(g.longest."from") || ' to ' || kt_ts(g.longest."to")
      || ', while the cluster logged a median of ' || kt_n(s.median_per_hour) || ' events per hour otherwise.'
    WHEN g.n_gaps > 1 THEN kt_n(g.n_gaps) || ' silent stretches of ' || c.gap_hours || ' h or more (' || kt_n(g.gap_hours_total) || ' h in all); the longest: '
      || kt_n(g.longest.hours) || ' h from ' || kt_ts(g.longest."from") || ' to ' || kt_ts(g.longest."to")
      || '. The cluster logged a median of ' || kt_n(s.median_per_hour) || ' events per hour otherwise.'
    ELSE 'No silent stretch of ' || c.gap_hours || ' h or more in ' || kt_n(s.hours_checked) || ' hours checked (median ' || kt_n(s.median_per_hour) || ' events per hour).'
  END AS reason,
  CAST(json_object('hours_checked', s.hours_checked, 'active_hours', s.active_hours, 'median_events_per_hour', s.median_per_hour,
    'from', kt_iso(b.h0), 'to', kt_iso(b.h1 + INTERVAL 1 HOUR),
    'gaps', coalesce(list_transform(g.gaps, lambda x: {'from': kt_iso(x."from"), 'to': kt_iso(x."to"), 'hours': x.hours}), [])) AS JSON) AS evidence,
  NULL AS remediation
FROM kt_cov_clusters c
LEFT JOIN b USING (cluster)
LEFT JOIN stats s USING (cluster)
LEFT JOIN gaps g USING (cluster)
