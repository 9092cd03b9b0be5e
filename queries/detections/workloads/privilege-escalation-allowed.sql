/*
id: privilege-escalation-allowed
title: Container allowed to escalate privileges or run as root
severity: medium
mitre: [T1611, T1548]
needs: [request-bodies]
description: >-
  A pod or workload template explicitly opts into running as root or gaining privileges: a container with
  `allowPrivilegeEscalation: true`, `runAsUser: 0` (on the container, or on the pod when the container does
  not override it), or `runAsNonRoot: false`. Only explicit settings count; images that run as root by
  default without saying so are not visible in the audit log. Platform controllers' pods in system
  namespaces are left out (made from inside the cluster and owned by a workload: a bare pod from a kube-system service account, or a pod created from an outside address, is someone using a platform token and is reported); a Deployment and its pods group into one finding.
false_positives: >-
  Legacy images that need root, build tools (kaniko, buildkit), node agents. Suppress by image or namespace.
response:
  - Who created it (user_name, user_agent) and which containers (summary).
  - Whether the same workload also mounts host paths, uses hostPID/hostNetwork or adds capabilities (other findings with the same group key).
  - Ask the owner for the reason; enforce Pod Security (restricted) on the namespace if none.
tags: [workload, privilege-escalation, pod-spec]
references: [Elastic GKE Privileged Pod Created (allowPrivilegeEscalation), Panther GCP.K8S.Privileged.Pod.Created (run as root)]
*/
WITH hits AS (
  SELECT *, list_transform(list_filter(containers, lambda c:
      json_extract_string(c, '$.securityContext.allowPrivilegeEscalation') = 'true'
      OR json_extract_string(c, '$.securityContext.runAsNonRoot') = 'false'
      OR coalesce(json_extract_string(c, '$.securityContext.runAsUser'), json_extract_string(pod_spec, '$.securityContext.runAsUser')) = '0'),
    lambda c: kt_container_label(c)) AS flagged
  FROM workload_writes
  WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
    AND pod_spec IS NOT NULL AND succeeded AND NOT platform_managed
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' with container(s) that may run as root or escalate: ' || array_to_string(flagged, ', ') AS summary
FROM hits
WHERE len(flagged) > 0
