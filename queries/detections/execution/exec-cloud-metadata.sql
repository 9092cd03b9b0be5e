/*
id: exec-cloud-metadata
title: Exec reaches the cloud metadata endpoint
severity: high
mitre: [T1552.005]
needs: [metadata]
partly_needs: {read-verbs: "exec over WebSocket (kubectl 1.30 and later) is logged as a get on pods/exec"}
blind_on:
  gke: GKE keeps no query string in its AuditLog entries, so the exec command is not logged
description: >-
  The command of an exec session talks to the cloud instance metadata service (169.254.169.254, metadata.google.internal, the ECS/EKS pod identity agent at 169.254.170.2/169.254.170.23, fd00:ec2::254), which hands out the node's or the pod's cloud credentials. The command is read from the request URI; only the first command of a session is logged.
false_positives: >-
  Debugging workload identity. Rare.
response:
  - The command (summary) and who ran it from where (user_name, source_ips, user_agent).
  - Other sessions into the same pod and by the same principal (`FROM exec_sessions`; a pod-exec finding if the principal is new to exec).
  - Assume cloud credentials were taken - review the node role's or workload identity's cloud activity (CloudTrail, Cloud Audit Logs, Azure Activity Log); block metadata access from pods (IMDSv2 hop limit, GKE metadata server, network policy).
tags: [credential-access, cloud]
parameters:
  pattern:
    type: string
    default: "(?i)(169\\.254\\.169\\.254|169\\.254\\.170\\.(2|23)\\b|metadata\\.google\\.internal|fd00:ec2::(254|23)|100\\.100\\.100\\.200|metadata\\.azure\\.com)"
    description: regular expression (RE2) matched against the command
references: [Elastic exec to cloud metadata endpoint]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ran a request to the cloud metadata endpoint in ' || kt_target(namespace, name) || ': ' || exec_command AS summary
FROM events
WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
  AND exec_command IS NOT NULL
  AND regexp_matches(exec_command, $pattern)
