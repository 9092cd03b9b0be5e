-- Provider ingestion time minus event time over the period (clusters whose records carry it).
SELECT e.cluster, count(*) AS events,
       quantile_cont((epoch_ms(e.ingested_at) - epoch_ms(e.event_time)) / 1000.0, [0.5, 0.95, 0.99]) AS p,
       max((epoch_ms(e.ingested_at) - epoch_ms(e.event_time)) / 1000.0) AS max_seconds
FROM audit_events e JOIN kt_rep_clusters USING (cluster)
WHERE e.event_time >= CAST($since AS TIMESTAMPTZ) AND e.event_time <= CAST($until AS TIMESTAMPTZ) AND e.ingested_at IS NOT NULL
GROUP BY e.cluster
