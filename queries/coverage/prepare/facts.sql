-- The facts of each cluster's newest posture reading (a fact that reading did not report is absent),
-- and one map per cluster so checks can write facts['retention_days'].value.
CREATE OR REPLACE TEMP TABLE kt_cov_facts AS
SELECT cluster, provider, fact, status, value, reason, observed_at, run_id
FROM posture_facts
QUALIFY run_id = first_value(run_id) OVER (PARTITION BY cluster ORDER BY observed_at DESC, run_id DESC);

CREATE OR REPLACE TEMP TABLE kt_cov_fact_map AS
SELECT c.cluster,
       map_from_entries(list({'key': f.fact, 'value': {'status': f.status, 'value': f.value, 'reason': f.reason}}) FILTER (WHERE f.fact IS NOT NULL)) AS facts,
       max(f.observed_at) AS observed_at
FROM kt_cov_clusters c LEFT JOIN kt_cov_facts f USING (cluster)
GROUP BY c.cluster;

CREATE OR REPLACE TEMP MACRO kt_known(facts, fname) AS coalesce(facts[fname].status = 'known', false);
CREATE OR REPLACE TEMP MACRO kt_val(facts, fname) AS CASE WHEN facts[fname].status = 'known' THEN facts[fname].value END;
-- Why a fact is not known, in words.
CREATE OR REPLACE TEMP MACRO kt_why(facts, fname) AS CASE
  WHEN facts IS NULL THEN 'no posture has been read for this cluster (its data was only imported, or it has not been pulled yet)'
  WHEN facts[fname].status = 'unknown' THEN coalesce(facts[fname].reason, 'the source could not read it')
  WHEN facts['posture'].status = 'unknown' THEN coalesce(facts['posture'].reason, 'the source could not read the posture')
  ELSE 'the source did not report ' || fname
END;
-- A JSON array of strings as "a, b, c" (or "none").
CREATE OR REPLACE TEMP MACRO kt_list(j) AS coalesce(nullif(array_to_string(CAST(j AS VARCHAR[]), ', '), ''), 'none');
