-- What to do when a check is `unknown`: make the facts it needs readable, never the change an alarm would
-- call for (that change may be wrong, or harmful, for a setting nobody could read: lowering a retention,
-- replacing a diagnostic setting). One row per cluster and check whose required facts (kt_cov_required_facts
-- .used_by) are not known; run.ts falls back to a pointer at posture-readable for any other unknown.
CREATE OR REPLACE TEMP TABLE kt_cov_unreadable AS
WITH need AS (
  SELECT c.cluster, c.job_file, m.facts, r.fact, r.permission, unnest(r.used_by) AS check_id
  FROM kt_cov_clusters c
  JOIN kt_cov_required_facts r ON r.provider = c.provider
  LEFT JOIN kt_cov_fact_map m USING (cluster)
  WHERE NOT kt_known(m.facts, r.fact)
)
SELECT cluster, check_id,
  'Nothing to change yet: this could not be judged because kubetrail could not read '
    || string_agg(fact || ' (' || kt_why(facts, fact) || ')', '; ' ORDER BY fact) || '. '
    || 'Grant the identity kubetrail uses: ' || array_to_string(list(DISTINCT permission ORDER BY permission), ', ')
    || ' (see posture-readable), then read the posture again: kubetrail pull --config ' || job_file || ' --cluster ' || cluster
    || '. Do not change the setting itself before it can be read.' AS text
FROM need
GROUP BY cluster, check_id, job_file;
