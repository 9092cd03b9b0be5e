-- Every hour of every UTC day the period touches, per cluster, with its event count and what an empty
-- hour means: a hole (the cluster logged before and after it), idle (before its first or after its
-- newest event), or outside the period.
WITH span AS (
  SELECT e.cluster, min(e.event_time) AS first_event, max(e.event_time) AS last_event
  FROM audit_events e JOIN kt_rep_clusters USING (cluster)
  WHERE e.event_time <= CAST($until AS TIMESTAMPTZ)
  GROUP BY e.cluster
),
grid AS (
  SELECT c.cluster, unnest(generate_series(date_trunc('day', CAST($since AS TIMESTAMPTZ)),
                                           date_trunc('day', CAST($until AS TIMESTAMPTZ)) + INTERVAL 23 HOUR, INTERVAL 1 HOUR)) AS hour
  FROM kt_rep_clusters c
),
counts AS (
  SELECT e.cluster, date_trunc('hour', e.event_time) AS hour, count(*) AS n
  FROM audit_events e JOIN kt_rep_clusters USING (cluster)
  WHERE e.event_time >= date_trunc('day', CAST($since AS TIMESTAMPTZ)) AND e.event_time <= CAST($until AS TIMESTAMPTZ)
  GROUP BY ALL
)
SELECT g.cluster, kt_day(g.hour) AS day, CAST(hour(g.hour) AS INTEGER) AS hour, coalesce(n.n, 0) AS events,
  CASE
    WHEN g.hour + INTERVAL 1 HOUR <= CAST($since AS TIMESTAMPTZ) OR g.hour > CAST($until AS TIMESTAMPTZ) THEN 'outside'
    WHEN n.n > 0 THEN 'events'
    WHEN s.first_event IS NULL OR g.hour < date_trunc('hour', s.first_event) OR g.hour > date_trunc('hour', s.last_event) THEN 'idle'
    ELSE 'hole'
  END AS state
FROM grid g LEFT JOIN counts n USING (cluster, hour) LEFT JOIN span s USING (cluster)
ORDER BY g.cluster, g.hour
