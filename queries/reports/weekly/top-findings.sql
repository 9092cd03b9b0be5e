-- The five most severe detections per cluster with findings seen in the period.
SELECT cluster, detection_id, severity, findings, events, last_seen, summary
FROM (
  SELECT f.cluster, f.detection_id, any_value(f.severity) AS severity, count(*) AS findings, sum(f.event_count) AS events,
         kt_iso(max(f.last_seen)) AS last_seen, arg_max(f.summary, f.last_seen) AS summary
  FROM findings f JOIN kt_rep_clusters USING (cluster)
  WHERE f.last_seen >= CAST($since AS TIMESTAMPTZ) AND f.first_seen <= CAST($until AS TIMESTAMPTZ)
  GROUP BY f.cluster, f.detection_id
)
QUALIFY row_number() OVER (PARTITION BY cluster ORDER BY kt_sev_rank(severity) DESC, findings DESC, detection_id) <= 5
ORDER BY cluster, kt_sev_rank(severity) DESC, findings DESC, detection_id
