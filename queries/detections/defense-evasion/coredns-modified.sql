/*
id: coredns-modified
title: Cluster DNS configuration modified
severity: medium
mitre: [T1565.001, T1557]
needs: [metadata]
description: >-
  The cluster DNS configuration is created, changed or deleted by someone other than the platform: the
  ConfigMaps coredns, coredns-custom (AKS) or kube-dns (GKE) in kube-system. Rewriting DNS sends the
  cluster's traffic for chosen names wherever the attacker wants.
false_positives: >-
  Administrators adding stub domains or forwarders. Suppress the change pipeline.
response:
  - Who changed which ConfigMap (summary) and what it says now (`kubectl -n kube-system get cm NAME -o yaml`).
  - Look for rewrite, forward and hosts entries pointing outside the cluster; restore the previous version.
tags: [impact, defense-evasion, credential-access]
parameters:
  configmaps:
    type: strings
    default: [coredns, coredns-custom, kube-dns]
    description: names of DNS ConfigMaps in kube-system
references: [Elastic Kubernetes CoreDNS configuration modified (GKE, AKS), Defender K8S_CoreDnsModification]
*/
SELECT cluster, audit_id, event_time,
  'kube-system/' || name AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' DNS configuration kube-system/' || name AS summary
FROM events
WHERE resource = 'configmaps' AND namespace = 'kube-system' AND list_contains($configmaps, name)
  AND verb IN ('create', 'update', 'patch', 'delete') AND succeeded AND NOT is_platform
