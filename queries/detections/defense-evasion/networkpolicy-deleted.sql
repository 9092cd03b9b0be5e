/*
id: networkpolicy-deleted
title: NetworkPolicy deleted or changed
severity: medium
mitre: [T1562.007]
needs: [metadata]
description: >-
  A NetworkPolicy (networking.k8s.io) is deleted, or updated or patched, by someone other than the
  platform. Network policies are often the only barrier between workloads; removing one opens lateral
  movement and egress.
false_positives: >-
  Application deployments that manage their own policies (GitOps). Suppress those pipelines.
response:
  - Which policy and who (summary); what it used to allow (Git history, previous request_object).
  - Restore it; look for connections the policy would have blocked since.
tags: [defense-evasion]
references: [Sigma Azure Kubernetes Network Policy Change]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(name, '(all)')) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' NetworkPolicy ' || kt_target(namespace, name) AS summary
FROM events
WHERE resource = 'networkpolicies' AND api_group = 'networking.k8s.io' AND subresource IS NULL
  AND verb IN ('delete', 'deletecollection', 'update', 'patch') AND succeeded AND NOT is_platform
