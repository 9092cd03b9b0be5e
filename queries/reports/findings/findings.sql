-- Findings seen in the period, marked new when the previous findings report did not list them.
SELECT f.detection_id, f.severity, f.cluster, f.fingerprint, kt_iso(f.first_seen) AS first_seen, kt_iso(f.last_seen) AS last_seen,
       f.event_count, f.summary, f.audit_ids, f.status,
       NOT EXISTS (
         SELECT 1 FROM report_findings r
         WHERE r.report_id = $previous AND r.detection_id = f.detection_id AND r.cluster = f.cluster AND r.fingerprint = f.fingerprint
       ) AS is_new
FROM findings f
WHERE f.last_seen >= CAST($since AS TIMESTAMPTZ) AND f.first_seen <= CAST($until AS TIMESTAMPTZ)
ORDER BY kt_sev_rank(f.severity) DESC, f.detection_id, f.last_seen DESC, f.cluster, f.fingerprint
