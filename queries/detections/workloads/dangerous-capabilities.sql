/*
id: dangerous-capabilities
title: Container adds dangerous Linux capabilities
severity: high
mitre: [T1611, T1068]
needs: [request-bodies]
description: >-
  A container in a pod or workload template adds a Linux capability that breaks container isolation
  (`securityContext.capabilities.add`): SYS_ADMIN (mount, BPF, namespaces), SYS_PTRACE, SYS_MODULE (kernel
  modules), DAC_READ_SEARCH (open any file by handle), NET_ADMIN, BPF, ... or ALL. Names match with or
  without the CAP_ prefix, in any case. Platform controllers' pods in system namespaces are left out (made from inside the cluster and owned by a workload: a bare pod from a kube-system service account, or a pod created from an outside address, is someone using a platform token and is reported).
false_positives: >-
  Service meshes add NET_ADMIN/NET_RAW to their init container (istio-init), CNI and eBPF agents add
  BPF/SYS_ADMIN. Suppress them by image; narrow `capabilities` if NET_ADMIN is routine for you.
response:
  - Which container and capabilities (summary); who created it.
  - Whether the pod also shares host namespaces or mounts host paths (other findings on the same workload).
  - If unexpected, delete it; SYS_ADMIN or SYS_MODULE in an unknown pod means the node may be compromised.
tags: [workload, privilege-escalation, pod-spec]
parameters:
  capabilities:
    type: strings
    default: [ALL, SYS_ADMIN, SYS_PTRACE, SYS_MODULE, SYS_RAWIO, SYS_BOOT, DAC_READ_SEARCH, NET_ADMIN, BPF, PERFMON, SYSLOG, SYS_TIME]
    description: capabilities that count as dangerous (upper case, without CAP_)
references: [Panther Kubernetes.Pod.Dangerous.Capabilities, Elastic, Google SCC container with excessive capabilities]
*/
WITH caps AS (
  SELECT *, list_filter(list_transform(containers, lambda c: {
      'label': kt_container_label(c),
      'caps': list_filter(list_transform(kt_json_strings(json_extract(c, '$.securityContext.capabilities.add')),
                                         lambda x: regexp_replace(upper(x), '^CAP_', '')),
                          lambda x: list_contains($capabilities, x))}),
    lambda x: len(x.caps) > 0) AS flagged
  FROM workload_writes
  WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
    AND pod_spec IS NOT NULL AND succeeded AND NOT platform_managed
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name) || ' adding '
    || array_to_string(list_transform(flagged, lambda x: array_to_string(x.caps, '+') || ' to ' || x.label), ', ') AS summary
FROM caps
WHERE len(flagged) > 0
