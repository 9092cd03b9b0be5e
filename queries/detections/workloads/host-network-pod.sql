/*
id: host-network-pod
title: Pod uses the node's network namespace (hostNetwork)
severity: medium
mitre: [T1611, T1610]
needs: [request-bodies]
description: >-
  A pod or workload template sets `spec.hostNetwork: true`. The pod shares the node's network namespace: it sees every interface of the node, reaches services bound to the node's localhost (the kubelet, metadata endpoints) and can sniff traffic. Platform controllers' pods in
  system namespaces are left out (made from inside the cluster and owned by a workload: a bare pod from a kube-system service account, or a pod created from an outside address, is someone using a platform token and is reported); a Deployment and its pods group into one finding.
false_positives: >-
  CNI plugins, ingress controllers and node exporters use hostNetwork. Suppress them by image or namespace.
response:
  - Who created it (user_name, user_agent) and what runs in it (images in request_object).
  - Whether it also runs privileged or mounts host paths (other findings on the same workload).
  - If unexpected, delete it and investigate the node it ran on.
tags: [workload, privilege-escalation, pod-spec]
references: [Falco Create HostNetwork Pod, Panther Kubernetes.Pod.Host.Network, Elastic]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' with hostNetwork (images: ' || coalesce(array_to_string(images, ', '), '?') || ')' AS summary
FROM workload_writes
WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
  AND pod_spec IS NOT NULL AND succeeded AND NOT platform_managed
  AND json_extract_string(pod_spec, '$.hostNetwork') = 'true'
