/*
id: serviceaccount-created-in-system-namespace
title: Service account created in a system namespace
severity: medium
mitre: [T1136]
needs: [metadata]
description: >-
  Someone other than the platform creates a service account in kube-system, kube-public or another system
  namespace. Identities there blend in with the control plane's and are often granted wide rights;
  attackers create them to persist. A kube-system service account counts as the platform only from inside
  the cluster's networks (or trusted_cidrs): a stolen one used from outside is reported.
false_positives: >-
  Installing add-ons into kube-system by hand, Helm or GitOps. Suppress those deployers.
response:
  - Which account, who created it (summary).
  - Bindings that name it (`SELECT * FROM requests WHERE resource LIKE '%rolebindings' AND CAST(request_object AS VARCHAR) LIKE '%<name>%'`) and pods that run as it.
  - Delete it if unexplained.
tags: [persistence]
references: [Falco Service Account Created in Kube Namespace, Sigma New Kubernetes Service Account Created, Google SCC service account created in sensitive namespace]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' created service account ' || kt_target(namespace, object_name) AS summary
FROM events
WHERE resource = 'serviceaccounts' AND subresource IS NULL AND verb = 'create' AND succeeded
  AND in_system_namespace AND NOT is_platform
