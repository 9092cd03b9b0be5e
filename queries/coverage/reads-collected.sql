-- id: reads-collected
-- title: Reads are collected
-- kind: configuration
-- order: 20
-- label: reads cfg
-- means: >-
--   The provider's settings keep get, list and watch requests. Without them secret reads, enumeration and
--   WebSocket exec (a get on pods/exec) are invisible. AKS: the kube-audit category keeps every request,
--   kube-audit-admin (Microsoft's cost advice) drops every get and list. GKE: reads are Data Access logs
--   (ADMIN_READ, DATA_READ), off by default and billed; a log exclusion on the _Default sink can drop them
--   too; a project whose own policy leaves them off while Data Access entries arrive has them turned on by
--   a folder or the organisation (not read by kubetrail), which is ok. EKS: the fixed policy logs reads at Request level. Self-hosted: the policy file decides (see
--   reads-observed).
-- thresholds: none
-- remediation:
--   eks: |-
--     EKS logs reads whenever audit logging is on: turn it on (see audit-logging-enabled).
--   aks: |-
--     Send kube-audit instead of kube-audit-admin (more volume and cost; consider the Basic table plan for AKSAudit):
--     az monitor diagnostic-settings create --name <existing-setting-name> --resource {{resourceId}} --workspace {{workspaceResourceId}} --export-to-resource-specific true --logs '[{"category":"kube-audit","enabled":true},{"category":"kube-audit-admin","enabled":false}]'
--     Terraform: azurerm_monitor_diagnostic_setting: enabled_log { category = "kube-audit" } instead of "kube-audit-admin"
--   gke: |-
--     Turn on Data Access audit logs (ADMIN_READ, DATA_READ) for the Kubernetes Engine API (billed):
--     gcloud projects get-iam-policy {{project}} --format=yaml > policy.yaml
--     add to policy.yaml:  auditConfigs: [{service: container.googleapis.com, auditLogConfigs: [{logType: ADMIN_READ}, {logType: DATA_READ}]}]
--     gcloud projects set-iam-policy {{project}} policy.yaml
--     Terraform: google_project_iam_audit_config { project = "{{project}}", service = "container.googleapis.com", audit_log_config { log_type = "ADMIN_READ" }, audit_log_config { log_type = "DATA_READ" } }
--     Remove exclusions that drop k8s.io entries: gcloud logging sinks update _Default --project={{project}} --remove-exclusions=<name>
--   files: |-
--     Log reads in the audit policy (before any catch-all rule): - level: Request / verbs: ["get", "list", "watch"]
WITH f AS (
  -- reads and watches that arrived are Data Access entries on GKE: proof the logs are on somewhere (a folder
  -- or organisation policy can enable them; kubetrail reads the project's policy only)
  SELECT c.cluster, c.provider, m.facts, coalesce(o.reads + o.watches, 0) AS da_entries, c.window_days,
         kt_known(m.facts, 'audit_log_enabled') AS eks_known,
         CAST(kt_val(m.facts, 'audit_log_enabled') AS BOOLEAN) AS eks_enabled,
         kt_known(m.facts, 'diagnostic_categories') AS cat_known,
         CAST(kt_val(m.facts, 'diagnostic_categories') AS VARCHAR[]) AS categories,
         json_extract_string(kt_val(m.facts, 'audit_table'), '$') AS audit_table,
         kt_known(m.facts, 'data_access_enabled') AS da_known,
         coalesce(CAST(json_extract(kt_val(m.facts, 'data_access_enabled'), '$.ADMIN_READ') AS BOOLEAN), false) AS admin_read,
         coalesce(CAST(json_extract(kt_val(m.facts, 'data_access_enabled'), '$.DATA_READ') AS BOOLEAN), false) AS data_read,
         kt_val(m.facts, 'k8s_exclusions') AS exclusions,
         coalesce(json_array_length(kt_val(m.facts, 'k8s_exclusions')), 0) AS n_exclusions
  FROM kt_cov_clusters c LEFT JOIN kt_cov_fact_map m USING (cluster) LEFT JOIN kt_cov_observed o USING (cluster)
),
j AS (
  SELECT *,
    CASE provider
      WHEN 'files' THEN 'info'
      WHEN 'eks' THEN CASE WHEN NOT eks_known THEN 'unknown' WHEN eks_enabled THEN 'ok' ELSE 'info' END
      WHEN 'aks' THEN CASE
        WHEN cat_known AND list_contains(categories, 'kube-audit') THEN 'ok'
        WHEN cat_known AND list_contains(categories, 'kube-audit-admin') THEN 'alarm'
        WHEN cat_known THEN 'info'
        WHEN audit_table = 'AKSAuditAdmin' THEN 'alarm'
        WHEN audit_table = 'AKSAudit' THEN 'ok'
        ELSE 'unknown' END
      WHEN 'gke' THEN CASE
        WHEN NOT da_known THEN 'unknown'
        WHEN NOT (admin_read AND data_read) AND da_entries > 0 AND n_exclusions = 0 THEN 'ok'
        WHEN NOT (admin_read AND data_read) THEN 'alarm'
        WHEN n_exclusions > 0 THEN 'alarm'
        ELSE 'ok' END
    END AS status
  FROM f
)
SELECT cluster, status,
  CASE
    WHEN provider = 'files' THEN 'Self-hosted cluster: whether reads are logged depends on the audit policy file (see reads-observed for what arrives).'
    WHEN provider = 'eks' AND status = 'unknown' THEN 'Could not read the EKS logging configuration: ' || kt_why(facts, 'audit_log_enabled') || '.'
    WHEN provider = 'eks' AND status = 'ok' THEN 'EKS''s fixed audit policy logs get, list and watch at Request level.'
    WHEN provider = 'eks' THEN 'Audit logging is off, so nothing is collected (see audit-logging-enabled).'
    WHEN provider = 'aks' AND status = 'ok' THEN 'kube-audit is collected: every get and list is logged'
      || CASE WHEN audit_table IS NOT NULL THEN ' (table ' || audit_table || ').' ELSE '.' END
    WHEN provider = 'aks' AND status = 'alarm' THEN 'Only kube-audit-admin is collected'
      || CASE WHEN audit_table IS NOT NULL THEN ' (table ' || audit_table || ')' ELSE '' END
      || ': it leaves out every get and list, so secret reads, enumeration and WebSocket exec (a get on pods/exec) are invisible.'
    WHEN provider = 'aks' AND status = 'info' THEN 'Neither kube-audit nor kube-audit-admin is collected (see audit-logging-enabled).'
    WHEN provider = 'aks' THEN 'Could not read the diagnostic settings: ' || kt_why(facts, 'diagnostic_categories') || '.'
    WHEN status = 'unknown' THEN 'Could not read the project''s Data Access audit configuration: ' || kt_why(facts, 'data_access_enabled') || '.'
    WHEN NOT (admin_read AND data_read) AND status = 'ok' THEN 'The project''s IAM policy does not turn on Data Access audit logs, but '
      || kt_n(da_entries) || ' reads and watches (Data Access entries) arrived in the last ' || kt_days(window_days)
      || ': a folder or organisation policy turns them on (kubetrail reads the project policy only). Reads are collected.'
    WHEN NOT (admin_read AND data_read) THEN 'Data Access audit logs are off for '
      || array_to_string(list_filter(['ADMIN_READ', 'DATA_READ'], lambda k: (k = 'ADMIN_READ' AND NOT admin_read) OR (k = 'DATA_READ' AND NOT data_read)), ' and ')
      || ': GKE writes no get, list or watch to the log, so secret reads, enumeration and WebSocket exec are invisible.'
    WHEN n_exclusions > 0 THEN kt_n(n_exclusions) || ' log exclusion(s) can drop Kubernetes entries before they are stored: '
      || array_to_string(list_transform(CAST(exclusions AS JSON[]), lambda x: json_extract_string(x, '$.name') || ' (' || coalesce(json_extract_string(x, '$.filter'), '') || ')'), '; ') || '.'
    ELSE 'Data Access audit logs (ADMIN_READ, DATA_READ) are on: reads are collected.'
  END AS reason,
  CAST(json_object('diagnostic_categories', categories, 'audit_table', audit_table,
    'data_access_enabled', kt_val(facts, 'data_access_enabled'), 'k8s_exclusions', exclusions,
    'audit_log_enabled', eks_enabled, 'data_access_entries', CASE WHEN provider = 'gke' THEN da_entries END) AS JSON) AS evidence,
  NULL AS remediation
FROM j
