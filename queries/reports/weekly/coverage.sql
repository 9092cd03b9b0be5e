-- The newest coverage result of every (cluster, check) in the report.
SELECT l.cluster, l.check_id, l.status, l.reason, l.evidence, l.remediation, kt_iso(l.checked_at) AS checked_at
FROM coverage_latest l
JOIN kt_rep_clusters c USING (cluster)
JOIN kt_rep_checks k ON k.id = l.check_id
ORDER BY c.ord, k.ord
