-- Events per UTC day of the period, days without events included.
WITH days AS (
  SELECT c.cluster, unnest(generate_series(date_trunc('day', CAST($since AS TIMESTAMPTZ)), CAST($until AS TIMESTAMPTZ), INTERVAL 1 DAY)) AS day
  FROM kt_rep_clusters c
),
counts AS (
  SELECT e.cluster, date_trunc('day', e.event_time) AS day, count(*) AS events
  FROM audit_events e JOIN kt_rep_clusters USING (cluster)
  WHERE e.event_time >= CAST($since AS TIMESTAMPTZ) AND e.event_time <= CAST($until AS TIMESTAMPTZ)
  GROUP BY ALL
)
SELECT d.cluster, kt_day(d.day) AS day, coalesce(n.events, 0) AS events
FROM days d LEFT JOIN counts n USING (cluster, day)
ORDER BY d.cluster, d.day
