-- id: no-event-gaps
-- title: No silent stretches
-- kind: observed
-- order: 120
-- label: gaps
-- means: >-
--   Silences without a single audit event while the cluster was otherwise active (it logged before and
--   after). A live API server logs around the clock (controllers renew leases every few seconds), so a
--   long silence between busy stretches is lost data: a logging outage, a delivery backlog that was
--   dropped, an expired retention, or a rotated file nobody shipped. Measured exactly, from the last event
--   before to the first event after (not in clock hours), between the start of the window (or the first
--   event) and the newest event; the part of a silence before the window does not count towards its
--   length, and a trailing silence is freshness's business.
-- thresholds: >-
--   gapHours (default 2: a silence of at least this many hours, event to event, is a gap),
--   minEventsPerHour (default 5: quieter clusters are not judged), window (default 7d)
-- remediation:
--   eks: |-
--     Find out what stopped: aws logs filter-log-events --region {{region}} --log-group-name {{logGroup}} --log-stream-name-prefix kube-apiserver-audit --start-time <gap start, epoch ms> --end-time <gap end, epoch ms> --limit 5
--     If CloudWatch has the events, re-pull the window: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since <gap start> --until <gap end>
--   gke: |-
--     Check whether Cloud Logging has the entries (gcloud logging read ... timestamp>"<gap start>" AND timestamp<"<gap end>" --project={{project}} --limit=5); if it has, re-pull: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since <gap start> --until <gap end>
--   aks: |-
--     Check the workspace for the silence ({{auditTable}} | where TimeGenerated between (datetime(<gap start>) .. datetime(<gap end>)) | count) and the ingestion cap (_LogOperation | where Category == "Ingestion"); if the data is there, re-pull: kubetrail pull --config {{jobFile}} --cluster {{cluster}} --since <gap start> --until <gap end>
--   files: |-
--     Look for rotated files of the silence (<gap start> to <gap end>) on the control-plane nodes (ls -l /var/log/kubernetes/audit/) and import them: kubetrail import --config {{jobFile}} --cluster {{cluster}} <files>; check --audit-log-maxbackup/--audit-log-maxsize and the shipper.
WITH b AS (
  SELECT c.cluster, c.gap_hours, c.min_events_per_hour, c.window_days, c.window_start, o.first_event, o.last_event,
         greatest(c.window_start, o.first_event) AS judged_from
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster)
  WHERE o.requests > 0
),
ev AS (
  SELECT e.cluster, e.event_time AS t
  FROM audit_events e JOIN b USING (cluster)
  WHERE e.event_time >= b.window_start AND e.event_time <= b.last_event
),
-- One row per hour that had events, with its first and last event. A silence of an hour or more (gapHours is a
-- whole number, at least 1) cannot lie inside one hour, so it always runs from some hour's last event to the
-- next busy hour's first: lead() over these few rows finds every such silence exactly, without sorting every event.
per_hour AS (
  SELECT cluster, date_trunc('hour', t) AS hour, count(*) AS n, min(t) AS first_t, max(t) AS last_t
  FROM ev GROUP BY ALL
),
-- the newest event before the window: a silence running into the window started there (the cluster logged before)
before AS (
  SELECT e.cluster, max(e.event_time) AS t
  FROM audit_events e JOIN b USING (cluster)
  WHERE e.event_time < b.window_start
  GROUP BY e.cluster
),
-- every silence, event to event; only those that reach the threshold inside the window are kept
silences AS (
  SELECT s.cluster, s.last_t AS last_before, s.next_t AS first_after,
         epoch(s.next_t) - epoch(greatest(s.last_t, b.window_start)) AS seconds
  FROM (
    SELECT cluster, last_t, lead(first_t) OVER (PARTITION BY cluster ORDER BY first_t) AS next_t
    FROM (SELECT cluster, first_t, last_t FROM per_hour UNION ALL SELECT cluster, t, t FROM before)
  ) s
  JOIN b USING (cluster)
  WHERE epoch(s.next_t) - epoch(greatest(s.last_t, b.window_start)) >= b.gap_hours * 3600
),
stats AS (
  SELECT p.cluster, count(*) AS active_hours, median(p.n) AS median_per_hour,
         ceil((epoch(any_value(b.last_event)) - epoch(any_value(b.judged_from))) / 3600) AS hours_checked
  FROM per_hour p JOIN b USING (cluster) GROUP BY p.cluster
),
gaps AS (
  SELECT cluster, count(*) AS n_gaps, sum(seconds) AS seconds_total,
         arg_max({'last_before': last_before, 'first_after': first_after, 'seconds': seconds}, seconds * 1e12 - epoch(last_before)) AS longest,
         list({'last_before': last_before, 'first_after': first_after, 'seconds': seconds} ORDER BY last_before) AS gaps
  FROM silences GROUP BY cluster
),
j AS (
  SELECT c.cluster, c.window_days, c.gap_hours, c.min_events_per_hour, b.cluster AS judged, b.judged_from, b.last_event, s.active_hours,
         coalesce(s.median_per_hour, 0) AS median_per_hour, s.hours_checked, coalesce(g.n_gaps, 0) AS n_gaps, g.seconds_total, g.longest, g.gaps,
         CASE
           WHEN b.cluster IS NULL THEN 'info'
           WHEN s.active_hours < 2 OR s.median_per_hour < c.min_events_per_hour THEN 'info'
           WHEN g.n_gaps > 0 THEN 'alarm'
           ELSE 'ok'
         END AS status,
         -- "2025-03-04 12:01:07 UTC": the silence ran from just after the one to just before the other
         CASE WHEN g.n_gaps > 0 THEN 'from the last event at ' || strftime(g.longest.last_before, '%Y-%m-%d %H:%M:%S UTC')
           || ' to the next at ' || strftime(g.longest.first_after, '%Y-%m-%d %H:%M:%S UTC')
           || CASE WHEN g.longest.last_before < c.window_start THEN ' (' || kt_hm(g.longest.seconds) || ' of it inside the window)' ELSE '' END END AS longest_text
  FROM kt_cov_clusters c
  LEFT JOIN b USING (cluster)
  LEFT JOIN stats s USING (cluster)
  LEFT JOIN gaps g USING (cluster)
)
SELECT j.cluster, status,
  CASE
    WHEN judged IS NULL THEN 'No events in the last ' || kt_days(window_days) || ' to look for gaps in (see events-present).'
    WHEN status = 'info' THEN 'Too quiet to judge: a median of ' || format('{:.1f}', median_per_hour) || ' events in the '
      || kt_n(active_hours) || ' hours that had any (gaps are judged from ' || min_events_per_hour || ' per hour).'
    WHEN n_gaps = 1 THEN kt_hm(epoch(longest.first_after) - epoch(longest.last_before)) || ' without any audit event, ' || longest_text
      || ', while the cluster logged a median of ' || kt_n(median_per_hour) || ' events per hour otherwise.'
    WHEN n_gaps > 1 THEN kt_n(n_gaps) || ' silences of ' || gap_hours || ' h or more (' || kt_hm(seconds_total) || ' in all); the longest: '
      || kt_hm(epoch(longest.first_after) - epoch(longest.last_before)) || ', ' || longest_text
      || '. The cluster logged a median of ' || kt_n(median_per_hour) || ' events per hour otherwise.'
    ELSE 'No silence of ' || gap_hours || ' h or more in ' || kt_n(hours_checked) || ' hours checked (median ' || kt_n(median_per_hour) || ' events per hour).'
  END AS reason,
  CAST(json_object('hours_checked', hours_checked, 'active_hours', active_hours, 'median_events_per_hour', median_per_hour,
    'from', kt_iso(judged_from), 'to', kt_iso(last_event),
    'gaps', coalesce(list_transform(gaps, lambda x: {'last_event_before': kt_iso(x.last_before), 'first_event_after': kt_iso(x.first_after),
      'hours': round((epoch(x.first_after) - epoch(x.last_before)) / 3600, 2), 'hours_in_window': round(x.seconds / 3600, 2)}), [])) AS JSON) AS evidence,
  -- the provider commands, with the longest silence's times filled in
  CASE WHEN status = 'alarm' THEN
    replace(replace(replace(replace(r.text,
      '<gap start, epoch ms>', CAST(epoch_ms(longest.last_before) AS VARCHAR)),
      '<gap end, epoch ms>', CAST(epoch_ms(longest.first_after) AS VARCHAR)),
      '<gap start>', kt_iso(longest.last_before)),
      '<gap end>', kt_iso(longest.first_after))
    || CASE WHEN n_gaps > 1 THEN chr(10) || 'The same for the other ' || kt_n(n_gaps - 1) || ' silence(s) listed in the evidence (gaps).' ELSE '' END
  END AS remediation
FROM j
LEFT JOIN kt_cov_remedies r ON r.cluster = j.cluster AND r.check_id = 'no-event-gaps'
