-- id: posture-readable
-- title: kubetrail can read the posture
-- kind: configuration
-- order: 40
-- label: posture
-- means: >-
--   The configuration checks are only as good as what kubetrail could read. This lists every fact the
--   cluster's source could not read, with the reason it gave (usually the missing permission), so the
--   other configuration checks are not silently "unknown". Self-hosted clusters have no posture to read.
-- thresholds: none
-- remediation:
--   eks: |-
--     Allow the identity kubetrail uses: {{permissions}}
--     e.g. aws iam put-role-policy --role-name <kubetrail-role> --policy-name kubetrail-posture --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:DescribeCluster","logs:DescribeLogGroups"],"Resource":"*"}]}'
--   gke: |-
--     Grant the identity kubetrail uses: {{permissions}}
--     e.g. gcloud projects add-iam-policy-binding {{project}} --member=serviceAccount:<kubetrail-sa> --role=roles/logging.viewer ; and --role=roles/iam.securityReviewer
--   aks: |-
--     Grant the identity kubetrail uses: {{permissions}}
--     e.g. az role assignment create --assignee <kubetrail-identity> --role "Monitoring Reader" --scope {{resourceId}} ; az role assignment create --assignee <kubetrail-identity> --role "Log Analytics Reader" --scope {{workspaceResourceId}}
WITH need AS (
  SELECT c.cluster, r.fact, r.permission, m.facts
  FROM kt_cov_clusters c
  JOIN kt_cov_required_facts r ON r.provider = c.provider
  LEFT JOIN kt_cov_fact_map m USING (cluster)
  -- a retention of a log group that does not exist is not missing
  WHERE NOT (r.fact = 'retention_days' AND kt_known(m.facts, 'log_group_exists') AND NOT CAST(kt_val(m.facts, 'log_group_exists') AS BOOLEAN))
),
missing AS (
  SELECT cluster, count(*) AS required,
         list({'fact': fact, 'reason': kt_why(facts, fact), 'permission': permission} ORDER BY fact) FILTER (WHERE NOT kt_known(facts, fact)) AS missing,
         list(DISTINCT permission ORDER BY permission) FILTER (WHERE NOT kt_known(facts, fact)) AS permissions
  FROM need GROUP BY cluster
)
SELECT c.cluster,
  CASE
    WHEN c.provider = 'files' THEN 'info'
    WHEN m.facts IS NULL THEN 'unknown'
    WHEN coalesce(len(x.missing), 0) = 0 THEN 'ok'
    ELSE 'alarm'
  END AS status,
  CASE
    WHEN c.provider = 'files' THEN 'Self-hosted cluster: there is no provider API to read; the observed-data checks judge it.'
    WHEN m.facts IS NULL THEN 'No posture has been read for this cluster: its data was only imported, or it has not been pulled yet.'
    WHEN coalesce(len(x.missing), 0) = 0 THEN 'All ' || x.required || ' facts the configuration checks need were read (' || kt_ts(m.observed_at) || ').'
    ELSE 'Could not read ' || len(x.missing) || ' of ' || x.required || ' facts, so the checks that use them are unknown: '
      || array_to_string(list_transform(x.missing, lambda f: f.fact || ' (' || f.reason || ')'), '; ') || '.'
  END AS reason,
  CAST(json_object('missing', x.missing, 'required', x.required) AS JSON) AS evidence,
  CASE
    WHEN c.provider <> 'files' AND m.facts IS NULL THEN 'kubetrail pull --config ' || c.job_file || ' --cluster ' || c.cluster
    WHEN coalesce(len(x.missing), 0) > 0 THEN replace(r.text, '{{permissions}}', array_to_string(x.permissions, ', '))
  END AS remediation
FROM kt_cov_clusters c
LEFT JOIN kt_cov_fact_map m USING (cluster)
LEFT JOIN missing x USING (cluster)
LEFT JOIN kt_cov_remedies r ON r.cluster = c.cluster AND r.check_id = 'posture-readable'
