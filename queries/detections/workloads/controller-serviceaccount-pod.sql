/*
id: controller-serviceaccount-pod
title: Pod runs as a control-plane controller's service account
severity: high
mitre: [T1078.001, T1610]
needs: [request-bodies]
description: >-
  Someone other than the platform creates a pod (or workload template) in kube-system that runs as one of
  the controllers' service accounts (`*-controller`, the garbage collector, ...). Those accounts hold
  cluster-wide rights (creating pods anywhere, reading every secret, granting roles); a pod running as one
  hands its token to whoever controls the pod.
false_positives: >-
  Rare. Some add-ons name their own service accounts "*-controller" in kube-system (ingress, load balancer
  controllers): suppress those by image or principal.
response:
  - Which service account, image and creator (summary; request_object).
  - Delete the pod; rotate the service account's tokens (delete its secrets or restart the controller) and review what the token did (`FROM timeline('system:serviceaccount:kube-system:<sa>')`).
tags: [workload, privilege-escalation, credential-access]
references: [Elastic Kubernetes Pod Created with a Sensitive ServiceAccount (admin-equivalent controller SA)]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' running as service account kube-system/' || coalesce(json_extract_string(pod_spec, '$.serviceAccountName'), json_extract_string(pod_spec, '$.serviceAccount')) AS summary
FROM workload_writes
WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
  AND pod_spec IS NOT NULL AND succeeded AND NOT is_platform AND namespace = 'kube-system'
  AND regexp_full_match(coalesce(json_extract_string(pod_spec, '$.serviceAccountName'), json_extract_string(pod_spec, '$.serviceAccount'), ''),
      '.*-controller|generic-garbage-collector|clusterrole-aggregation-controller|horizontal-pod-autoscaler|persistent-volume-binder|pv-protection-controller|pvc-protection-controller|token-cleaner|bootstrap-signer')
