-- The facts of each cluster's newest posture reading.
SELECT p.cluster, p.fact, p.status, p.value, p.reason, kt_iso(p.observed_at) AS observed_at
FROM posture_facts p JOIN kt_rep_clusters USING (cluster)
QUALIFY p.run_id = first_value(p.run_id) OVER (PARTITION BY p.cluster ORDER BY p.observed_at DESC, p.run_id DESC)
ORDER BY p.cluster, p.fact
