/*
id: host-pid-pod
title: Pod uses the node's process (PID) namespace (hostPID)
severity: high
mitre: [T1611, T1610]
needs: [request-bodies]
description: >-
  A pod or workload template sets `spec.hostPID: true`. The pod shares the node's process namespace: it sees every process on the node, can read their environment and, with ptrace, their memory; with a privileged container nsenter gives a root shell on the node. Platform controllers' pods in
  system namespaces are left out (made from inside the cluster and owned by a workload: a bare pod from a kube-system service account, or a pod created from an outside address, is someone using a platform token and is reported); a Deployment and its pods group into one finding.
false_positives: >-
  Node agents (security and monitoring) that inspect processes. Suppress them by image or namespace.
response:
  - Who created it (user_name, user_agent) and what runs in it (images in request_object).
  - Whether it also runs privileged or mounts host paths (other findings on the same workload).
  - If unexpected, delete it and investigate the node it ran on.
tags: [workload, privilege-escalation, pod-spec]
references: [Falco Create HostPid Pod, Panther Kubernetes.Pod.Host.PID, Elastic]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' with hostPID (images: ' || coalesce(array_to_string(images, ', '), '?') || ')' AS summary
FROM workload_writes
WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
  AND pod_spec IS NOT NULL AND succeeded AND NOT platform_managed
  AND json_extract_string(pod_spec, '$.hostPID') = 'true'
