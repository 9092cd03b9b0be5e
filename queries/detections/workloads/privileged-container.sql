/*
id: privileged-container
title: Privileged container created
severity: high
mitre: [T1611, T1610]
needs: [request-bodies]
description: >-
  A pod, or the pod template of a workload (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob),
  asks for a privileged container (`securityContext.privileged: true` on a container, init container or
  ephemeral container). A privileged container has every capability and the node's devices; escaping to
  the node is one mount away. Pods that the platform's own controllers create in system namespaces are
  left out (made from inside the cluster and owned by a workload: a bare pod from a kube-system service account, or a pod created from an outside address, is someone using a platform token and is reported); the workload behind them is caught when someone else creates or changes it. A Deployment and
  the pods its ReplicaSet creates group into one finding. The pod spec is only in the request body:
  clusters logging Metadata level for pods cannot see it.
false_positives: >-
  CNI, CSI, monitoring and security agents legitimately run privileged. Suppress them by image
  (`images: [registry.example.com/cilium/*]`) or by namespace rather than by principal.
response:
  - Who created it and how (user_name, user_agent); for pods a controller created, the workload in the group key.
  - Which containers and images (summary, and request_object of the evidence).
  - Whether it still runs (`kubectl get pod -n NS NAME -o yaml`); look for host mounts and hostPID next to it.
  - If unexpected, delete it, cordon the node it ran on and investigate that node.
tags: [workload, privilege-escalation, pod-spec]
references: [Falco Create Privileged Pod, Panther Kubernetes.Pod.Privileged.Created, Elastic Privileged Pod Created, GuardDuty PrivilegedContainer, Defender K8S_PrivilegedContainer]
*/
WITH hits AS (
  SELECT *, list_transform(list_filter(containers, lambda c: json_extract_string(c, '$.securityContext.privileged') = 'true'),
                           lambda c: kt_container_label(c)) AS flagged
  FROM workload_writes
  WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
    AND pod_spec IS NOT NULL AND succeeded AND NOT platform_managed
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' with privileged container(s) ' || array_to_string(flagged, ', ') AS summary
FROM hits
WHERE len(flagged) > 0
