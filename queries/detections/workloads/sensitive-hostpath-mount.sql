/*
id: sensitive-hostpath-mount
title: Pod mounts a sensitive host path
severity: high
mitre: [T1611]
needs: [request-bodies]
description: >-
  A pod or workload template mounts a directory or socket of the node that gives it the node: the root
  filesystem, /etc, /proc, /sys, /root, the kubelet's and the container runtime's state and sockets, the
  Kubernetes configuration. A path matches when it is one of `sensitive_paths` or lies under one ("/" only
  matches itself). Platform controllers' pods in system namespaces are left out (made from inside the cluster and owned by a workload: a bare pod from a kube-system service account, or a pod created from an outside address, is someone using a platform token and is reported); a Deployment and its pods
  group into one finding.
false_positives: >-
  Node agents (log shippers read /var/log, monitoring reads /proc and /sys, CSI drivers use the kubelet
  directory). Suppress them by image or namespace; add paths you consider harmless by overriding sensitive_paths.
response:
  - Which path and which containers (summary); who created it (user_name) and from where.
  - Whether the pod is also privileged or uses hostPID (other findings on the same workload).
  - If unexpected, delete the pod and treat the node as compromised (credentials under /var/lib/kubelet, runtime socket).
tags: [workload, privilege-escalation, pod-spec]
parameters:
  sensitive_paths:
    type: strings
    default: [/, /etc, /proc, /sys, /root, /home/admin, /boot, /dev, /var/lib/kubelet, /var/lib/docker, /var/lib/containerd, /etc/kubernetes, /var/run/docker.sock, /run/docker.sock, /var/run/containerd, /run/containerd, /var/run/crio, /run/crio, /var/run/cri-dockerd.sock]
    description: host paths that are sensitive, and everything under them
references: [Falco Create Sensitive Mount Pod, Panther Kubernetes.Pod.HostPath.Volume, Elastic, GuardDuty ContainerWithSensitiveMount, Defender K8S_SensitiveMount]
*/
WITH mounts AS (
  SELECT *, list_filter(
      list_transform(kt_json_list(json_extract(pod_spec, '$.volumes')), lambda v: json_extract_string(v, '$.hostPath.path')),
      lambda p: p IS NOT NULL) AS host_paths
  FROM workload_writes
  WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
    AND pod_spec IS NOT NULL AND succeeded AND NOT platform_managed
),
hits AS (
  SELECT *, list_filter(host_paths, lambda p: len(list_filter($sensitive_paths, lambda s:
      CASE WHEN p = '/' OR rtrim(p, '/') = '' THEN s = '/'
           ELSE rtrim(p, '/') = rtrim(s, '/') OR (s <> '/' AND starts_with(rtrim(p, '/'), rtrim(s, '/') || '/')) END)) > 0) AS flagged
  FROM mounts
  WHERE len(host_paths) > 0
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' mounting host path(s) ' || array_to_string(flagged, ', ') AS summary
FROM hits
WHERE len(flagged) > 0
