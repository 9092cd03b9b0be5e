/*
id: secrets-list-cluster-wide
title: Secrets listed across all namespaces
severity: high
mitre: [T1552.007]
needs: [metadata, read-verbs]
description: >-
  A successful list or watch of Secrets without a namespace (`/api/v1/secrets`): every secret in the
  cluster in one response. Few things besides the platform and secret-handling operators need this; a
  person or a workload doing it is dumping credentials. The platform's identities are left out. Lists are
  reads: not logged with AKS kube-audit-admin, nor on GKE without Data Access logs.
false_positives: >-
  Operators that watch all secrets (cert-manager, external-secrets, sealed-secrets, Argo CD, backup tools).
  Suppress their service accounts.
response:
  - Who listed (summary), from where, with which client.
  - Treat every secret in the cluster as read - prioritise rotating cloud credentials, tokens and TLS keys.
  - Find how the principal got the right (`SELECT * FROM requests WHERE resource LIKE '%bindings' ...`) and remove it.
tags: [credential-access, collection]
references: [Panther Kubernetes.Secrets.DumpAllNamespaces, Elastic, Sigma Kubernetes Secrets Enumeration]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' secrets in all namespaces from ' || coalesce(array_to_string(source_ips, ', '), '?')
    || coalesce(' with "' || user_agent || '"', '') AS summary
FROM events
WHERE resource = 'secrets' AND subresource IS NULL AND verb IN ('list', 'watch') AND namespace IS NULL AND name IS NULL
  AND succeeded AND NOT is_platform
