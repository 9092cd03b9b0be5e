-- id: retention-meets-target
-- title: Provider retention meets the target
-- kind: configuration
-- order: 30
-- label: retention
-- means: >-
--   How long the provider keeps audit events, against the retention target: once they expire there and
--   kubetrail has not copied them, that history is gone. CloudWatch keeps a log group forever unless a
--   retention is set; GKE keeps Admin Activity (writes) 400 days in _Required and Data Access (reads) 30
--   days in _Default unless changed; Log Analytics keeps a table as long as its total retention (30 days
--   by default; the Basic and Auxiliary plans allow 30 days of interactive queries).
-- thresholds: retentionTarget (default 90d; PCI DSS 10.5.1 asks for three months at hand and twelve in all)
-- remediation:
--   eks: |-
--     Raise the log group's retention to at least {{retentionDays}} days; never lower it (a group that never expires, or keeps longer, already meets the target):
--     aws logs put-retention-policy --region {{region}} --log-group-name {{logGroup}} --retention-in-days {{retentionCloudWatch}}
--     Terraform: aws_cloudwatch_log_group { name = "{{logGroup}}", retention_in_days = {{retentionCloudWatch}} } (import the group EKS created)
--   gke: |-
--     Raise the _Default bucket's retention to at least {{retentionDays}} days; never lower it (a bucket that keeps longer already meets the target):
--     gcloud logging buckets update _Default --location=global --project={{project}} --retention-days={{retentionDays}}
--     Terraform: google_logging_project_bucket_config { project = "{{project}}", location = "global", bucket_id = "_Default", retention_days = {{retentionDays}} }
--     _Required keeps Admin Activity 400 days and cannot be changed: for a longer target, route k8s.io entries to a bucket of your own that keeps at least {{retentionDays}} days: gcloud logging sinks create k8s-audit logging.googleapis.com/projects/{{project}}/locations/global/buckets/<bucket> --log-filter='protoPayload.serviceName="k8s.io"'
--   aks: |-
--     Raise {{auditTable}}'s total retention to at least {{retentionDays}} days; never lower either value (a table that keeps longer already meets the target):
--     az monitor log-analytics workspace table update --resource-group {{workspaceResourceGroup}} --workspace-name {{workspaceName}} --name {{auditTable}} --retention-time {{retentionLogAnalytics}} --total-retention-time {{retentionLogAnalyticsTotal}}
--     Terraform: azurerm_log_analytics_workspace_table { name = "{{auditTable}}", retention_in_days = {{retentionLogAnalytics}}, total_retention_in_days = {{retentionLogAnalyticsTotal}} }
--   files: |-
--     Keep at least {{retentionDays}} days (never lower what is kept now): kube-apiserver --audit-log-maxage={{retentionDays}} (and keep the shipped copies as long), or let kubetrail's database be the long-term copy.
WITH f AS (
  SELECT c.cluster, c.provider, c.retention_target_days AS target, m.facts,
         -- EKS
         kt_known(m.facts, 'log_group_exists') AND NOT CAST(kt_val(m.facts, 'log_group_exists') AS BOOLEAN) AS eks_no_group,
         kt_known(m.facts, 'retention_days') AS cw_known,
         TRY_CAST(json_extract_string(kt_val(m.facts, 'retention_days'), '$') AS DOUBLE) AS cw_days,
         -- GKE
         kt_known(m.facts, 'default_bucket_retention_days') AS gd_known,
         TRY_CAST(json_extract_string(kt_val(m.facts, 'default_bucket_retention_days'), '$') AS DOUBLE) AS gke_default,
         coalesce(TRY_CAST(json_extract_string(kt_val(m.facts, 'required_bucket_retention_days'), '$') AS DOUBLE), 400) AS gke_required,
         CASE WHEN kt_known(m.facts, 'data_access_enabled') THEN
           coalesce(CAST(json_extract(kt_val(m.facts, 'data_access_enabled'), '$.ADMIN_READ') AS BOOLEAN), false)
           OR coalesce(CAST(json_extract(kt_val(m.facts, 'data_access_enabled'), '$.DATA_READ') AS BOOLEAN), false) END AS gke_reads_on,
         -- AKS
         json_extract_string(kt_val(m.facts, 'table_plan'), '$') AS plan,
         coalesce(json_extract_string(kt_val(m.facts, 'audit_table'), '$'), 'the audit table') AS aks_table,
         TRY_CAST(json_extract_string(kt_val(m.facts, 'table_retention_days'), '$') AS DOUBLE) AS t_days,
         TRY_CAST(json_extract_string(kt_val(m.facts, 'table_total_retention_days'), '$') AS DOUBLE) AS t_total,
         TRY_CAST(json_extract_string(kt_val(m.facts, 'workspace_retention_days'), '$') AS DOUBLE) AS ws_days,
         kt_known(m.facts, 'table_retention_days') OR kt_known(m.facts, 'workspace_retention_days') AS aks_known
  FROM kt_cov_clusters c LEFT JOIN kt_cov_fact_map m USING (cluster)
),
aks AS (
  -- -1 or missing: the workspace default; Basic and Auxiliary tables answer queries for 30 days only.
  SELECT *, CASE WHEN plan IN ('Basic', 'Auxiliary') THEN 30 WHEN t_days IS NULL OR t_days < 0 THEN ws_days ELSE t_days END AS a_interactive
  FROM f
),
totals AS (
  SELECT *, CASE WHEN t_total IS NULL OR t_total < 0 THEN a_interactive ELSE greatest(t_total, a_interactive) END AS a_total
  FROM aks
),
j AS (
  SELECT *,
    CASE provider
      WHEN 'files' THEN 'info'
      WHEN 'eks' THEN CASE WHEN eks_no_group THEN 'info' WHEN NOT cw_known THEN 'unknown' WHEN cw_days IS NULL OR cw_days >= target THEN 'ok' ELSE 'alarm' END
      WHEN 'gke' THEN CASE
        WHEN gke_required < target THEN 'alarm'
        WHEN gke_reads_on IS NOT FALSE AND NOT gd_known THEN 'unknown'
        WHEN gke_reads_on IS NOT FALSE AND gke_default < target THEN 'alarm'
        ELSE 'ok' END
      WHEN 'aks' THEN CASE WHEN NOT aks_known OR a_interactive IS NULL THEN 'unknown' WHEN a_total >= target THEN 'ok' ELSE 'alarm' END
    END AS status
  FROM totals
)
SELECT j.cluster, status,
  CASE
    WHEN provider = 'files' THEN 'Self-hosted cluster: retention is what --audit-log-maxage and the log shipper keep; kubetrail''s own copy is judged by history-meets-target.'
    WHEN provider = 'eks' AND eks_no_group THEN 'The log group does not exist yet (audit logging has never delivered); set its retention when turning logging on.'
    WHEN provider = 'eks' AND status = 'unknown' THEN 'Could not read the log group''s retention: ' || kt_why(facts, 'retention_days') || '.'
    WHEN provider = 'eks' AND cw_days IS NULL THEN 'CloudWatch keeps the log group forever (no retention set): at least the ' || kt_days(target) || ' target, at a storage cost that keeps growing.'
    WHEN provider = 'eks' AND status = 'ok' THEN 'CloudWatch keeps audit events ' || kt_days(cw_days) || '; the target is ' || kt_days(target) || '.'
    WHEN provider = 'eks' THEN 'CloudWatch deletes audit events after ' || kt_days(cw_days) || '; the target is ' || kt_days(target) || '.'
    WHEN provider = 'gke' AND gke_required < target THEN 'GKE keeps Admin Activity entries (writes) ' || kt_days(gke_required) || ' in _Required, which cannot be changed; the target is ' || kt_days(target) || '.'
    WHEN provider = 'gke' AND status = 'unknown' THEN 'Could not read the _Default bucket''s retention: ' || kt_why(facts, 'default_bucket_retention_days') || '.'
    WHEN provider = 'gke' AND status = 'alarm' THEN 'Data Access entries (reads) are kept ' || kt_days(gke_default) || ' in the _Default bucket; the target is ' || kt_days(target)
      || '. Admin Activity entries (writes) are kept ' || kt_days(gke_required) || '.'
    WHEN provider = 'gke' THEN 'Admin Activity entries (writes) are kept ' || kt_days(gke_required)
      || CASE WHEN gke_reads_on THEN ' and Data Access entries (reads) ' || kt_days(gke_default) ELSE '' END
      || '; the target is ' || kt_days(target) || '.'
    WHEN status = 'unknown' THEN 'Could not read the retention of ' || aks_table || ': ' || kt_why(facts, 'table_retention_days') || '.'
    ELSE aks_table || ' (' || coalesce(plan, 'Analytics') || ' plan) keeps ' || kt_days(a_interactive) || ' for queries and ' || kt_days(a_total) || ' in total; the target is ' || kt_days(target) || '.'
      || CASE WHEN status = 'ok' AND a_interactive < target THEN ' Events older than ' || kt_days(a_interactive) || ' need a search job to read.' ELSE '' END
  END AS reason,
  CAST(json_object('target_days', target, 'cloudwatch_retention_days', cw_days, 'log_group_exists', kt_val(facts, 'log_group_exists'),
    'default_bucket_retention_days', gke_default, 'required_bucket_retention_days', CASE WHEN provider = 'gke' THEN gke_required END,
    'table', CASE WHEN provider = 'aks' THEN aks_table END, 'table_plan', plan, 'interactive_days', CASE WHEN provider = 'aks' THEN a_interactive END,
    'total_days', CASE WHEN provider = 'aks' THEN a_total END) AS JSON) AS evidence,
  -- Only a retention below the target gets a change, and only the part that is below it: every command raises
  -- (run.ts attaches the header's text to alarms only; an unknown retention gets "make it readable").
  CASE
    WHEN status <> 'alarm' THEN NULL
    -- Basic and Auxiliary tables keep 30 days for queries whatever is set: only the total can be raised
    WHEN provider = 'aks' AND plan IN ('Basic', 'Auxiliary') THEN
      'The ' || plan || ' plan keeps 30 days for queries; raise the total retention (older events then need a search job), or move the table to the Analytics plan (--plan Analytics).' || chr(10)
      || regexp_replace(regexp_replace(r.text, ' --retention-time \d+', ''), 'retention_in_days = \d+, ', '')
    -- GKE: the _Default lines only when reads land there and it keeps less; the own-bucket line only when _Required is short
    WHEN provider = 'gke' THEN array_to_string(list_filter(string_split(r.text, chr(10)), lambda l: CASE
        WHEN contains(l, '_Default') THEN gke_reads_on IS NOT FALSE AND gke_default < target
        WHEN contains(l, '_Required') THEN gke_required < target
        ELSE true END), chr(10))
  END AS remediation
FROM j
LEFT JOIN kt_cov_remedies r ON r.cluster = j.cluster AND r.check_id = 'retention-meets-target'
