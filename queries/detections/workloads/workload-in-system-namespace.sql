/*
id: workload-in-system-namespace
title: Workload created in a system namespace by a non-platform principal
severity: medium
mitre: [T1610, T1036.005]
needs: [metadata]
description: >-
  Someone other than the platform (control plane, kube-system controllers, the cloud's managed identities)
  creates a pod, Deployment, DaemonSet, StatefulSet, ReplicaSet, Job or CronJob in a system namespace
  (kube-system, kube-public, kube-node-lease, GKE's gke-* system namespaces, Calico's). Attackers hide
  workloads among the platform's own, where they also inherit lax policies. Pods the platform's
  controllers create there are not counted: the workload behind them is. A kube-system service account,
  a node or a control-plane component counts as the platform only from inside the cluster's networks (or
  system-identity-from-public-ip's trusted_cidrs): from anywhere else it is someone holding its token.
false_positives: >-
  Cluster administrators and GitOps tools installing add-ons into kube-system (metrics-server, autoscaler,
  CSI drivers). Suppress the deploying identity for these namespaces.
response:
  - Who created what (summary), from where (source_ips) and with which tool (user_agent).
  - Compare with the add-ons you manage; look at the image and the service account it runs as.
  - If unknown, delete it and review the principal's other actions (`FROM timeline('<user>')`).
tags: [workload, defense-evasion, persistence]
references: [Falco Pod Created in Kube Namespace, Sigma Creation Of Pod In System Namespace, Panther Kubernetes.Pod.SystemNamespace, Defender K8S_KubeSystemContainer, Google SCC workload in sensitive namespace]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' created ' || resource || ' ' || kt_target(namespace, object_name) || ' in a system namespace' AS summary
FROM events
WHERE verb = 'create' AND subresource IS NULL AND succeeded
  AND resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers')
  AND in_system_namespace AND NOT is_platform
