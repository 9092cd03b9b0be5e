-- id: audit-logging-enabled
-- title: Audit logging is on
-- kind: configuration
-- order: 10
-- label: logging
-- means: >-
--   The provider sends the API server's audit log somewhere kubetrail can read it. EKS and AKS send
--   nothing until it is turned on, and what happens before that is lost for good; GKE always writes its
--   Admin Activity log. Read from EKS DescribeCluster (logging.clusterLogging) and the AKS cluster's
--   diagnostic settings. Self-hosted clusters have no provider API to ask (info): events-present tells.
-- thresholds: none
-- remediation:
--   eks: |-
--     aws eks update-cluster-config --region {{region}} --name {{eksCluster}} --logging '{"clusterLogging":[{"types":["audit","authenticator"],"enabled":true}]}'
--     Terraform: aws_eks_cluster.enabled_cluster_log_types = ["audit", "authenticator"]  (eksctl: cloudWatch.clusterLogging.enableTypes)
--   aks: |-
--     az monitor diagnostic-settings create --name kubetrail-audit --resource {{resourceId}} --workspace {{workspaceResourceId}} --export-to-resource-specific true --logs '[{"category":"kube-audit","enabled":true}]'
--     Terraform: azurerm_monitor_diagnostic_setting { target_resource_id = "{{resourceId}}", log_analytics_destination_type = "Dedicated", enabled_log { category = "kube-audit" } }
--   gke: |-
--     Nothing to turn on: GKE always writes Admin Activity audit logs. Grant kubetrail read access to the posture (see posture-readable).
--   files: |-
--     kube-apiserver --audit-policy-file=/etc/kubernetes/audit-policy.yaml --audit-log-path=/var/log/kubernetes/audit/audit.log --audit-log-maxage={{retentionDays}} --audit-log-maxbackup=30 --audit-log-maxsize=200
WITH f AS (
  SELECT c.cluster, c.provider, c.window_days, m.facts, o.requests,
         CASE c.provider
           WHEN 'eks' THEN kt_known(m.facts, 'audit_log_enabled')
           WHEN 'aks' THEN kt_known(m.facts, 'diagnostic_categories')
         END AS known,
         CASE c.provider
           WHEN 'eks' THEN CAST(kt_val(m.facts, 'audit_log_enabled') AS BOOLEAN)
           WHEN 'aks' THEN list_has_any(CAST(kt_val(m.facts, 'diagnostic_categories') AS VARCHAR[]), ['kube-audit', 'kube-audit-admin'])
         END AS enabled
  FROM kt_cov_clusters c LEFT JOIN kt_cov_fact_map m USING (cluster) LEFT JOIN kt_cov_observed o USING (cluster)
)
SELECT cluster,
  CASE
    WHEN provider = 'files' THEN 'info'
    WHEN provider = 'gke' THEN 'ok'
    WHEN NOT known THEN 'unknown'
    WHEN enabled THEN 'ok'
    ELSE 'alarm'
  END AS status,
  CASE
    WHEN provider = 'files' THEN 'Self-hosted cluster: there is no provider setting to read. '
      || CASE WHEN requests > 0 THEN kt_n(requests) || ' requests in the last ' || kt_days(window_days) || ' show that an audit policy and backend are writing.'
              ELSE 'No events in the last ' || kt_days(window_days) || ' (see events-present).' END
    WHEN provider = 'gke' THEN 'GKE always writes Admin Activity audit logs (every Kubernetes write); reads need Data Access logs (see reads-collected).'
    WHEN NOT known THEN 'Could not read whether audit logging is on: '
      || kt_why(facts, CASE provider WHEN 'eks' THEN 'audit_log_enabled' ELSE 'diagnostic_categories' END) || '.'
    WHEN provider = 'eks' AND enabled THEN 'The EKS control plane sends its audit log to CloudWatch (enabled log types: ' || kt_list(kt_val(facts, 'log_types')) || ').'
    WHEN provider = 'eks' THEN 'The EKS control plane does not send its audit log (enabled log types: ' || kt_list(kt_val(facts, 'log_types'))
      || '). Nothing is recorded until it is turned on, and what happens before cannot be recovered.'
    WHEN enabled THEN 'A diagnostic setting sends the audit log to Log Analytics (categories: ' || kt_list(kt_val(facts, 'diagnostic_categories')) || ').'
    ELSE 'No diagnostic setting sends kube-audit or kube-audit-admin to a Log Analytics workspace (categories sent: '
      || kt_list(kt_val(facts, 'diagnostic_categories')) || '). Nothing is recorded until one does, and what happens before cannot be recovered.'
  END AS reason,
  CAST(json_object(
    'audit_log_enabled', kt_val(facts, 'audit_log_enabled'),
    'log_types', kt_val(facts, 'log_types'),
    'diagnostic_categories', kt_val(facts, 'diagnostic_categories'),
    'requests_in_window', requests
  ) AS JSON) AS evidence,
  NULL AS remediation
FROM f
